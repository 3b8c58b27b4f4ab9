//! The running system: its database engine, health and backups.

pub mod port;
pub mod service;
