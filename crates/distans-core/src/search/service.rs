//! The search use case: check the words, ask the access policy whose
//! records the searcher reaches, and read each kind asked for.

use std::sync::Arc;

use crate::access::{self, Listing, Scope};
use crate::kernel::{Actor, CoreResult, Env};
use crate::search::model::*;
use crate::search::port::SearchPort;
use crate::search::rules;

#[derive(Clone)]
pub struct SearchService {
    port: Arc<dyn SearchPort>,
    env: Env,
}

impl SearchService {
    pub(crate) fn new(port: Arc<dyn SearchPort>, env: Env) -> Self {
        SearchService { port, env }
    }

    /// Whose people and records `actor` finds: HR everyone's; a manager
    /// their own and their units'; anyone else only their own.
    pub fn reach(&self, actor: &Actor) -> Reach {
        let under = match access::scope(actor, Listing::Search) {
            Scope::All => None,
            Scope::Units(paths) => Some(paths),
            Scope::Own => Some(vec![]),
        };
        Reach {
            me: actor.person_id,
            under,
        }
    }

    /// Finds what matches `q` among what `actor` may see. Each kind reads
    /// one more row than it shows, to tell whether there are more.
    #[tracing::instrument(skip_all)]
    pub async fn search(&self, actor: &Actor, q: &SearchQuery) -> CoreResult<SearchResults> {
        let reach = self.reach(actor);
        let (text, limit, offset) = (q.text.as_str(), q.limit, q.offset);
        let mut out = SearchResults::default();
        if rules::searches(q, SearchKind::People) {
            let rows = self
                .port
                .search_people(text, &reach, limit + 1, offset)
                .await?;
            out.people = Hits::cut(rows, limit);
        }
        if rules::searches(q, SearchKind::Units) {
            let rows = self.port.search_units(text, limit + 1, offset).await?;
            out.units = Hits::cut(rows, limit);
        }
        if rules::searches(q, SearchKind::Agreements) {
            let today = self.env.today();
            let mut rows = self
                .port
                .search_agreements(text, &reach, limit + 1, offset)
                .await?;
            for g in &mut rows {
                g.state = rules::state_today(g.state, g.ends_on, g.end, today);
            }
            out.agreements = Hits::cut(rows, limit);
        }
        if rules::searches(q, SearchKind::Requests) {
            let rows = self
                .port
                .search_requests(text, &reach, limit + 1, offset)
                .await?;
            out.requests = Hits::cut(rows, limit);
        }
        Ok(out)
    }
}
