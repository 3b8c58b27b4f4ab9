//! What every slice shares: errors, the clock, who is acting, dates and the
//! Swedish calendar, bounded lists, validated text, and what a unit of work
//! writes besides its change (audit entry, notices). Nothing here imports a
//! slice.

pub mod actor;
pub mod calendar;
pub mod clock;
pub mod counters;
pub mod csv;
pub mod dates;
pub mod env;
pub mod error;
pub mod fresh;
pub mod gap;
pub mod ids;
pub mod page;
pub mod refs;
pub mod text;
pub mod work;

pub use actor::{Actor, Language, ManagedUnit, Role};
pub use env::{CoreConfig, Env};
pub use error::{CoreError, CoreResult};
pub use fresh::FreshRead;
pub use ids::*;
pub use page::{Page, Paging};
pub use refs::{PersonRef, UnitRef};
pub use work::{Broadcast, Link, Message, MessageKey, NewAuditEntry, Notice, Work};
