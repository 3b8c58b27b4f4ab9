//! The domain of distans: what the organisation is, who may do what, and the
//! services that carry out each use case.
//!
//! One folder per capability ("slice"), each with the same rooms: `model`
//! (its types, built only through validating constructors), `rules` (pure
//! decisions), `service` (the use cases), `port` (the storage it needs).
//! [`kernel`] is what every slice shares; [`access`] is the one place that
//! decides who may do what. This crate must not know HTTP or SQL: the web
//! layer calls [`Core`]'s services, the store crate implements the ports.
#![forbid(unsafe_code)]
#![deny(clippy::unwrap_used, clippy::expect_used, clippy::panic)]
#![cfg_attr(
    test,
    allow(
        clippy::unwrap_used,
        clippy::expect_used,
        clippy::panic,
        clippy::field_reassign_with_default
    )
)]

pub mod access;
pub mod kernel;
pub mod store;

pub mod absences;
pub mod agreements;
pub mod audit;
pub mod cases;
pub mod coverage;
pub mod demo;
pub mod departures;
pub mod deviations;
pub mod equipment;
pub mod feed;
pub mod followup;
pub mod idempotency;
pub mod identity;
pub mod notify;
pub mod occasional;
pub mod org;
pub mod passwords;
pub mod plan;
pub mod policy;
pub mod presence;
pub mod privacy;
pub mod redeployment;
pub mod rotation;
pub mod scim;
pub mod search;
pub mod stats;
pub mod system;
pub mod temporary;
pub mod workdays;

mod app;

pub use app::Core;
pub use kernel::{CoreError, CoreResult};
