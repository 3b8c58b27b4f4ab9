//! Pieces of SQL shared between queries, pushed onto either engine's query
//! builder. A piece is a plain function over [`Sql`]: the bounds a bind
//! parameter needs on each engine are written once, on [`Param`], instead
//! of on every piece.

use std::fmt::Display;

use sqlx::{Postgres, QueryBuilder, Sqlite};

/// A value both engines bind as a query parameter (owned: a `String`, not
/// a `&str`).
pub(crate) trait Param:
    'static
    + Send
    + for<'q> sqlx::Encode<'q, Sqlite>
    + sqlx::Type<Sqlite>
    + for<'q> sqlx::Encode<'q, Postgres>
    + sqlx::Type<Postgres>
{
}

impl<T> Param for T where
    T: 'static
        + Send
        + for<'q> sqlx::Encode<'q, Sqlite>
        + sqlx::Type<Sqlite>
        + for<'q> sqlx::Encode<'q, Postgres>
        + sqlx::Type<Postgres>
{
}

/// Either engine's query builder, as a shared piece of SQL sees it: text
/// and parameters pushed in order.
pub(crate) trait Sql {
    /// Appends SQL text.
    fn push(&mut self, sql: impl Display) -> &mut Self;
    /// Appends a parameter's placeholder and binds the value to it.
    fn push_bind(&mut self, value: impl Param) -> &mut Self;
}

macro_rules! sql_for {
    ($($db:ty),*) => {$(
        impl Sql for QueryBuilder<'_, $db> {
            fn push(&mut self, sql: impl Display) -> &mut Self {
                QueryBuilder::push(self, sql)
            }
            fn push_bind(&mut self, value: impl Param) -> &mut Self {
                QueryBuilder::push_bind(self, value)
            }
        }
    )*};
}
sql_for!(Sqlite, Postgres);

/// Appends `(a, b, …)` of the values, for `IN`.
pub(crate) fn push_list<T: Param>(q: &mut impl Sql, values: impl IntoIterator<Item = T>) {
    q.push("(");
    for (i, v) in values.into_iter().enumerate() {
        if i > 0 {
            q.push(", ");
        }
        q.push_bind(v);
    }
    q.push(")");
}

/// Appends `(column below one of the paths)`, false for no paths: a unit
/// is below another when its path starts with the other's, that is when it
/// lies in `[path, path~)`.
pub(crate) fn push_below(q: &mut impl Sql, column: &str, paths: &[String]) {
    q.push("(1 = 0");
    for path in paths {
        q.push(format!(" OR ({column} >= ")).push_bind(path.clone());
        q.push(format!(" AND {column} < "))
            .push_bind(format!("{path}~"));
        q.push(")");
    }
    q.push(")");
}

/// Appends the condition `sql` about a person: `person` bound at each
/// `{person}`, and at `{below}` whether the row's unit (`u.path`) is below
/// one of the paths.
pub(crate) fn push_about(q: &mut impl Sql, sql: &str, person: uuid::Uuid, paths: &[String]) {
    let mut rest = sql;
    while let Some(at) = rest.find('{') {
        q.push(&rest[..at]);
        rest = &rest[at..];
        if let Some(after) = rest.strip_prefix("{person}") {
            q.push_bind(person);
            rest = after;
        } else if let Some(after) = rest.strip_prefix("{below}") {
            push_below(q, "u.path", paths);
            rest = after;
        } else {
            q.push("{");
            rest = &rest[1..];
        }
    }
    q.push(rest);
}

/// Inserts `$rows` (a slice) in `$tx`, in statements of at most `$per`
/// rows: `$sql` (`INSERT INTO t (…) `), each row's values pushed by
/// `|b, row| b.push_bind(…)…`, and after them `$tail` (`ON CONFLICT …`)
/// when given.
macro_rules! insert_rows {
    ($tx:expr, $sql:expr, $rows:expr, $per:expr, |$b:ident, $row:pat_param| $values:expr $(, $tail:expr)? $(,)?) => {
        for chunk in $rows.chunks($per) {
            let mut q = sqlx::QueryBuilder::new($sql);
            q.push_values(chunk, |mut $b, $row| {
                $values;
            });
            $(q.push($tail);)?
            q.build().execute(&mut *$tx).await?;
        }
    };
}
pub(crate) use insert_rows;
