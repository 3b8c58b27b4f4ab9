//! The core as the web layer, the jobs and the command line see it: the
//! services, wired to one store and one clock.

use std::sync::Arc;

use time::{Date, OffsetDateTime};

use crate::kernel::clock::Clock;
use crate::kernel::{CoreConfig, Env};
use crate::store::Store;

pub struct Core {
    pub(crate) store: Arc<dyn Store>,
    pub(crate) env: Env,
}

impl Core {
    pub fn new(store: Arc<dyn Store>, clock: Arc<dyn Clock>) -> Self {
        Self::with_config(store, clock, CoreConfig::default())
    }

    pub fn with_config(store: Arc<dyn Store>, clock: Arc<dyn Clock>, config: CoreConfig) -> Self {
        Core {
            store,
            env: Env::new(clock, config),
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
}
