//! The whole of storage as the core sees it: every slice's port. The one
//! implementation lives in `distans-store`; the binary hands it to
//! [`crate::Core::new`]. Nothing outside the core calls it.

pub use crate::absences::port::AbsencesPort;
pub use crate::agreements::port::AgreementsPort;
pub use crate::audit::port::AuditPort;
pub use crate::cases::port::CasesPort;
pub use crate::coverage::port::CoveragePort;
pub use crate::demo::port::DemoPort;
pub use crate::departures::port::DeparturesPort;
pub use crate::deviations::port::DeviationsPort;
pub use crate::equipment::port::EquipmentPort;
pub use crate::feed::port::FeedPort;
pub use crate::followup::port::FollowUpPort;
pub use crate::idempotency::port::IdempotencyPort;
pub use crate::identity::port::IdentityPort;
pub use crate::kernel::counters::CountersPort;
pub use crate::notify::port::NotifyPort;
pub use crate::occasional::port::OccasionalPort;
pub use crate::org::port::{OrgEditPort, OrgImportPort, OrgPort};
pub use crate::passwords::port::PasswordsPort;
pub use crate::plan::port::PlanPort;
pub use crate::policy::port::PolicyPort;
pub use crate::presence::port::PresencePort;
pub use crate::privacy::port::PrivacyPort;
pub use crate::redeployment::port::RedeploymentPort;
pub use crate::rotation::port::RotationPort;
pub use crate::scim::port::ScimPort;
pub use crate::search::port::SearchPort;
pub use crate::stats::port::StatsPort;
pub use crate::system::port::SystemPort;
pub use crate::temporary::port::TemporaryPort;
pub use crate::workdays::port::WorkdaysPort;

/// Declares [`Store`] as every port named, and implements it for every
/// type that implements them all.
macro_rules! every_port {
    ($($port:ident),+ $(,)?) => {
        /// Every port at once: what a storage implementation provides.
        pub trait Store: $($port +)+ 'static {}

        impl<T> Store for T where T: $($port +)+ 'static {}
    };
}

every_port!(
    SystemPort,
    CountersPort,
    IdentityPort,
    OrgPort,
    OrgImportPort,
    OrgEditPort,
    AuditPort,
    PolicyPort,
    CasesPort,
    AgreementsPort,
    TemporaryPort,
    NotifyPort,
    PlanPort,
    PasswordsPort,
    OccasionalPort,
    WorkdaysPort,
    CoveragePort,
    RotationPort,
    AbsencesPort,
    FeedPort,
    DemoPort,
    EquipmentPort,
    RedeploymentPort,
    DeviationsPort,
    DeparturesPort,
    FollowUpPort,
    IdempotencyPort,
    ScimPort,
    StatsPort,
    PrivacyPort,
    PresencePort,
    SearchPort,
);
