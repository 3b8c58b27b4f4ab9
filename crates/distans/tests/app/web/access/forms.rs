//! The forms of the pages in the access matrix: posted by every role with
//! its session's CSRF token, and the status each role gets.

use super::{page_form, Fixture, PageForm};

/// The forms of the pages, posted by each role with its session's CSRF token
/// (anonymous callers are sent to sign in).
#[rustfmt::skip]
pub(super) fn forms(f: &Fixture) -> Vec<PageForm> {
    let Fixture { nobody, laptop_item, bo_agreement, bo_fu, bo_action, dev_form, anna, .. } = f;
    vec![
        // One's own commute (only the CSRF token: nothing recorded).
        page_form("/min-pendling",                                                      [303, 303, 303, 303, 303, 303, 303, 303]),
        // One's own choice whether colleagues see one on site (no choice sent).
        page_form("/mitt-delande",                                                      [303, 400, 400, 400, 400, 400, 400, 400]),
        // The calendar feed and closed days.
        page_form("/mina-nycklar/kalender/skapa",                                       [303, 303, 303, 303, 303, 303, 303, 303]),
        page_form("/mina-nycklar/kalender/byt",                                         [303, 303, 303, 303, 303, 303, 303, 303]),
        page_form("/mina-nycklar/kalender/ta-bort",                                     [303, 303, 303, 303, 303, 303, 303, 303]),
        page_form("/mina-nycklar/kalender/okand",                                       [303, 404, 404, 404, 404, 404, 404, 404]),
        page_form("/arbetsdagar",                                                       [303, 403, 403, 403, 400, 400, 403, 403]),
        page_form("/arbetsdagar/2030-01-07/ta-bort",                                    [303, 403, 403, 403, 404, 404, 403, 403]),
        // The organisation edited (only a CSRF token: nothing valid to do).
        page_form(format!("/enheter/{nobody}/andra"),                                   [303, 403, 403, 403, 404, 404, 403, 403]),
        page_form(format!("/enheter/{nobody}/ny"),                                      [303, 403, 403, 403, 400, 400, 403, 403]),
        page_form(format!("/enheter/{nobody}/stang"),                                   [303, 403, 403, 403, 404, 404, 403, 403]),
        page_form("/arbetsplatser/spara",                                               [303, 403, 403, 403, 400, 400, 403, 403]),
        // Password links.
        page_form(format!("/personer/{nobody}/losenordslank"),                          [303, 403, 403, 403, 403, 404, 403, 403]),
        // People who leave.
        page_form(format!("/personer/{nobody}/avsluta"),                                [303, 403, 403, 403, 404, 404, 403, 403]),
        page_form(format!("/personer/{nobody}/andra"),                                  [303, 403, 403, 403, 404, 404, 403, 403]),
        page_form(format!("/personer/{nobody}/ateraktivera"),                           [303, 403, 403, 403, 404, 404, 403, 403]),
        // Follow-ups.
        page_form(format!("/uppfoljningar/{bo_fu}"),                                    [303, 404, 404, 409, 409, 404, 404, 404]),
        page_form(format!("/atgarder/{bo_action}/stang"),                               [303, 404, 404, 400, 400, 404, 404, 404]),
        page_form(format!("/atgarder/{bo_action}"),                                     [303, 404, 404, 303, 303, 404, 404, 404]),
        page_form("/checklistor/uppfoljning",                                           [303, 403, 403, 403, 400, 403, 403, 403]),
        page_form(format!("/overenskommelser/{bo_agreement}/medarbetarsamtal"),         [303, 404, 404, 400, 400, 404, 403, 404]),
        page_form(format!("/overenskommelser/{bo_agreement}/bekrafta"),                 [303, 404, 404, 409, 409, 404, 403, 404]),
        // Equipment.
        page_form("/utrustning",                                                        [303, 403, 403, 403, 400, 400, 403, 403]),
        page_form("/utrustning/lana-ut",                                                [303, 403, 400, 400, 400, 400, 403, 403]),
        page_form(format!("/utrustning/{laptop_item}/status"),                          [303, 403, 403, 403, 400, 400, 403, 403]),
        page_form(format!("/utlan/{nobody}/aterlamna"),                                 [303, 404, 404, 404, 404, 404, 404, 404]),
        // Deviations.
        page_form("/avvikelser/ny",                                                     [303, 400, 400, 400, 400, 400, 400, 400]),
        page_form(format!("/avvikelser/{dev_form}/kvittera"),                           [303, 403, 303, 404, 409, 404, 404, 404]),
        page_form(format!("/avvikelser/{dev_form}/stang"),                              [303, 403, 400, 404, 400, 404, 404, 404]),
        // Personal data and public records.
        page_form(format!("/personer/{anna}/registerutdrag"),                           [303, 403, 403, 404, 303, 403, 403, 404]),
        page_form("/gallring/regler/absences",                                          [303, 403, 403, 403, 400, 403, 403, 400]),
        page_form("/gallring/spar",                                                     [303, 403, 403, 403, 400, 403, 403, 400]),
        page_form(format!("/gallring/spar/{nobody}/hav"),                               [303, 403, 403, 403, 404, 403, 403, 404]),
        page_form("/gallring/korning",                                                  [303, 403, 403, 403, 303, 303, 403, 303]),
        page_form("/integritet/andra",                                                  [303, 403, 403, 403, 400, 403, 403, 403]),
    ]
}
