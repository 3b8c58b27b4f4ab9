//! The application from outside: the command line on real files and the
//! web layer in-process on a real store. One test binary.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod cli;
mod web;
