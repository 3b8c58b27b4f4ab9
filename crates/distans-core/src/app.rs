//! The core as the web layer, the jobs and the command line see it: the
//! services, wired to one store and one clock. Each service holds the port
//! of its own slice and the services of the slices it builds on; the order
//! they are made in below is the order the slices depend on each other.

use std::sync::Arc;

use time::{Date, OffsetDateTime};

use crate::absences::service::AbsencesService;
use crate::agreements::service::AgreementsService;
use crate::audit::service::AuditService;
use crate::cases::service::{CasesDeps, CasesService};
use crate::coverage::service::CoverageService;
use crate::demo::service::{DemoDeps, DemoService};
use crate::departures::service::DeparturesService;
use crate::deviations::service::DeviationsService;
use crate::equipment::service::EquipmentService;
use crate::feed::service::FeedService;
use crate::followup::service::FollowUpService;
use crate::idempotency::service::IdempotencyService;
use crate::identity::service::IdentityService;
use crate::kernel::clock::Clock;
use crate::kernel::counters::Remembered;
use crate::kernel::{CoreConfig, CoreResult, Env};
use crate::notify::service::NotifyService;
use crate::occasional::service::{OccasionalDeps, OccasionalService};
use crate::org::service::OrgService;
use crate::passwords::service::PasswordsService;
use crate::plan::service::PlanService;
use crate::policy::service::PolicyService;
use crate::presence::service::{PresenceDeps, PresenceService};
use crate::privacy::service::PrivacyService;
use crate::redeployment::service::RedeploymentService;
use crate::rotation::service::{RotationDeps, RotationService};
use crate::scim::service::ScimService;
use crate::search::service::SearchService;
use crate::stats::service::StatsService;
use crate::store::Store;
use crate::system::service::SystemService;
use crate::temporary::service::TemporaryService;
use crate::workdays::service::WorkdaysService;

pub struct Core {
    pub(crate) env: Env,
    pub system: SystemService,
    pub identity: IdentityService,
    pub passwords: PasswordsService,
    pub idempotency: IdempotencyService,
    pub org: OrgService,
    pub audit: AuditService,
    pub notify: NotifyService,
    pub workdays: WorkdaysService,
    pub policy: PolicyService,
    pub temporary: TemporaryService,
    pub plan: PlanService,
    pub coverage: CoverageService,
    pub occasional: OccasionalService,
    pub absences: AbsencesService,
    pub feed: FeedService,
    pub redeployment: RedeploymentService,
    pub followup: FollowUpService,
    pub equipment: EquipmentService,
    pub agreements: AgreementsService,
    pub demo: DemoService,
    pub cases: CasesService,
    pub deviations: DeviationsService,
    pub departures: DeparturesService,
    pub rotation: RotationService,
    pub scim: ScimService,
    pub stats: StatsService,
    pub privacy: PrivacyService,
    pub presence: PresenceService,
    pub search: SearchService,
}

impl Core {
    pub fn new(store: Arc<dyn Store>, clock: Arc<dyn Clock>) -> Self {
        Self::with_config(store, clock, CoreConfig::default())
    }

    pub fn with_config(store: Arc<dyn Store>, clock: Arc<dyn Clock>, config: CoreConfig) -> Self {
        let env = Env::new(clock, config, store.clone());
        let system = SystemService::new(store.clone(), env.clone());
        let identity = IdentityService::new(store.clone(), env.clone());
        let idempotency = IdempotencyService {
            port: store.clone(),
            env: env.clone(),
        };
        let org = OrgService::new(store.clone(), store.clone(), env.clone());
        let passwords = PasswordsService::new(store.clone(), env.clone(), org.clone());
        let audit = AuditService::new(store.clone(), env.clone());
        let notify = NotifyService::new(store.clone(), env.clone());
        let workdays = WorkdaysService::new(store.clone(), env.clone());
        let policy = PolicyService {
            port: store.clone(),
            env: env.clone(),
            org: org.clone(),
            in_force: Arc::new(Remembered::new(crate::policy::service::REMEMBERED_DAYS)),
        };
        let temporary = TemporaryService {
            port: store.clone(),
            env: env.clone(),
            org: org.clone(),
        };
        let plan = PlanService::new(store.clone(), env.clone(), org.clone(), workdays.clone());
        let coverage = CoverageService::new(
            store.clone(),
            env.clone(),
            org.clone(),
            workdays.clone(),
            plan.clone(),
        );
        let occasional = OccasionalService::new(
            store.clone(),
            env.clone(),
            OccasionalDeps {
                org: org.clone(),
                workdays: workdays.clone(),
                policy: policy.clone(),
                temporary: temporary.clone(),
                plan: plan.clone(),
                coverage: coverage.clone(),
            },
        );
        let absences = AbsencesService {
            port: store.clone(),
            env: env.clone(),
            org: org.clone(),
        };
        let feed = FeedService::new(store.clone(), env.clone(), org.clone(), plan.clone());
        let redeployment =
            RedeploymentService::new(store.clone(), org.clone(), workdays.clone(), plan.clone());
        let followup = FollowUpService {
            port: store.clone(),
            env: env.clone(),
            org: org.clone(),
        };
        let equipment =
            EquipmentService::new(store.clone(), env.clone(), org.clone(), policy.clone());
        let agreements = AgreementsService::new(
            store.clone(),
            env.clone(),
            org.clone(),
            policy.clone(),
            followup.clone(),
            Arc::new(equipment.clone()),
        );
        let cases = CasesService::new(
            store.clone(),
            env.clone(),
            CasesDeps {
                org: org.clone(),
                policy: policy.clone(),
                coverage: coverage.clone(),
                agreements: agreements.clone(),
            },
        );
        let deviations =
            DeviationsService::new(store.clone(), env.clone(), org.clone(), policy.clone());
        let rotation = RotationService::new(
            store.clone(),
            env.clone(),
            RotationDeps {
                org: org.clone(),
                workdays: workdays.clone(),
                plan: plan.clone(),
                coverage: coverage.clone(),
                policy: policy.clone(),
                temporary: temporary.clone(),
            },
        );
        let departures = DeparturesService::new(store.clone(), env.clone(), org.clone());
        let scim = ScimService::new(store.clone(), env.clone(), org.clone(), departures.clone());
        let stats = StatsService::new(store.clone(), env.clone(), org.clone(), workdays.clone());
        let privacy = PrivacyService::new(store.clone(), store.clone(), env.clone());
        let presence = PresenceService::new(
            store.clone(),
            env.clone(),
            PresenceDeps {
                org: org.clone(),
                workdays: workdays.clone(),
                plan: plan.clone(),
                policy: policy.clone(),
                coverage: coverage.clone(),
            },
        );
        let search = SearchService::new(store.clone(), env.clone());
        let demo = DemoService::new(
            store.clone(),
            env.clone(),
            DemoDeps {
                org: org.clone(),
                identity: identity.clone(),
                policy: policy.clone(),
                coverage: coverage.clone(),
                agreements: agreements.clone(),
                equipment: equipment.clone(),
                followup: followup.clone(),
            },
        );
        Core {
            env,
            system,
            identity,
            passwords,
            idempotency,
            org,
            audit,
            notify,
            workdays,
            policy,
            temporary,
            plan,
            coverage,
            occasional,
            absences,
            feed,
            redeployment,
            followup,
            equipment,
            agreements,
            demo,
            cases,
            deviations,
            departures,
            rotation,
            scim,
            stats,
            privacy,
            presence,
            search,
        }
    }

    pub fn now(&self) -> OffsetDateTime {
        self.env.now()
    }

    pub fn today(&self) -> Date {
        self.env.today()
    }

    pub fn config(&self) -> &CoreConfig {
        self.env.config()
    }

    /// Makes sure a policy, an agreement template and the checklists exist
    /// (first start).
    pub async fn ensure_defaults(&self) -> CoreResult<()> {
        self.policy.ensure_default().await?;
        self.agreements.ensure_template().await?;
        self.followup.ensure_checklist_defaults().await
    }
}
