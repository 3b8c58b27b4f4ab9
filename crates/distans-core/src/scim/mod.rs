//! Provisioning by SCIM 2.0 (RFC 7643/7644): an identity provider (such as
//! Microsoft Entra ID) keeps the product's people and groups, and group
//! membership grants roles.

pub mod filter;
pub mod model;
pub mod patch;
pub mod port;
pub mod rules;
pub mod service;

pub use model::*;
