# Notices: what people are told in the app and by e-mail. Each notice has a
# subject and a body; the link to the page is added by the app and the mailer.

request-received-subject = Request for remote work from { $person }
request-received-body = { $person } asks to work remotely { $days } days a week from { $start }. { $decider ->
    [hr] HR
   *[manager] The manager
} decides.

request-approved-subject = Your request for remote work is approved
request-approved-body = { $by } has approved your request. You can sign the agreement once it has been sent to you.

agreement-draft-subject = Agreement to review: { $person }
agreement-draft-body = The draft agreement with { $person } has been written from the template. Review it and send it for signatures.

request-declined-subject = Your request for remote work is declined
request-declined-body = { $by } has declined your request. Reason: { $reason }

request-changes-subject = Your request for remote work needs changes
request-changes-body = { $by } asks you to change your request: { $reason }

agreement-to-sign-subject = Your remote work agreement is ready to sign
agreement-to-sign-body = The agreement is waiting for your signature.

agreement-to-sign-employer-subject = Agreement to sign: { $person }
agreement-to-sign-employer-body = The agreement with { $person } is waiting for your signature.

agreement-signed-subject = The remote work agreement is signed
agreement-signed-body = Both parties have signed the agreement for { $person }. It applies from { $start }.

agreement-signed-by-one-subject = { $by } has signed the agreement
agreement-signed-by-one-body = { $by } has signed. The agreement is waiting for your signature.

agreement-ended-subject = The remote work agreement is ending
agreement-ended-body = { $by } has given notice on the agreement for { $person }. Last day: { $last }.

agreement-ending-soon-subject = The remote work agreement ends soon
agreement-ending-soon-body = The agreement for { $person } applies until { $last }. To continue, a new request is needed.

equipment-to-collect-subject = Equipment to collect
equipment-to-collect-body = The agreement for { $person } is ending (last day: { $last }). Equipment on loan to collect: { $items }.

temporary-decision-delegated-subject = Delegated to you: { $title }
temporary-decision-delegated-body = { $by } has made a temporary decision ({ $start } – { $end }) and delegated it to you to apply for your staff. Go through the checklist.
temporary-decision-issued-subject = Temporary decision: { $title }
temporary-decision-issued-body = { $by } has made a temporary decision that applies to you from { $start } to { $end }: { $title }. { $whole ->
    [yes] It applies to the whole organisation.
   *[no] It applies to { $units } and the units below.
} You may work remotely up to { $days } days a week during the period. Read the decision to see what it means for you.

development-talk-set-subject = Development talk with a follow-up of remote work
development-talk-set-body = { $by } has set your development talk for { $date }. You will follow up the remote work then too.

followup-due-subject = { $kind ->
    [risk_assessment] The risk assessment of the remote workplace
    [development_talk] The follow-up at the development talk
   *[follow_up] The follow-up of remote work
} is due by { $due }
followup-due-body = { $kind ->
    [risk_assessment] The risk assessment of the remote workplace
    [development_talk] The follow-up at the development talk
   *[follow_up] The follow-up of remote work
} for { $person } is due by { $due }. The employee and the manager fill in the checklist together.

followup-overdue-subject = { $kind ->
    [risk_assessment] The risk assessment of the remote workplace
    [development_talk] The follow-up at the development talk
   *[follow_up] The follow-up of remote work
} is overdue
followup-overdue-body = { $kind ->
    [risk_assessment] The risk assessment of the remote workplace
    [development_talk] The follow-up at the development talk
   *[follow_up] The follow-up of remote work
} for { $person } was due by { $due }. The employee and the manager fill in the checklist together.

followup-confirm-subject = { $kind ->
    [risk_assessment] The risk assessment of the remote workplace
    [development_talk] The follow-up at the development talk
   *[follow_up] The follow-up of remote work
}: confirm the answers
followup-confirm-body = { $by } has confirmed the answers for { $person }. Go through them and confirm them too.

followup-actions-created-subject = Actions after a follow-up: { $person }
followup-actions-created-body = { $kind ->
    [risk_assessment] The risk assessment of the remote workplace
    [development_talk] The follow-up at the development talk
   *[follow_up] The follow-up of remote work
} for { $person } showed { $count ->
    [one] a risk that became an action
   *[other] { $count } risks that became actions
} with you responsible.

followup-action-assigned-subject = Action to take: { $person }
followup-action-assigned-body = { $by } has made you responsible for the action “{ $action }” (by { $due }).

followup-action-closed-subject = An action after the follow-up is done
followup-action-closed-body = { $by } has closed the action “{ $action }”: { $note }

followup-action-overdue-subject = Action overdue: { $person }
followup-action-overdue-body = The action “{ $action }” was due by { $due }.

deviation-reported-subject = { $serious ->
    [yes] Serious: deviation
   *[no] Deviation
} ({ $kind ->
    [work_environment] work environment
    [information_security] information security
    [presence] presence
    [equipment] equipment
   *[other] other
}) in { $unit }
deviation-reported-body = A deviation ({ $kind ->
    [work_environment] work environment
    [information_security] information security
    [presence] presence
    [equipment] equipment
   *[other] other
}) was reported { $anonymous ->
    [yes] by an anonymous reporter
   *[no] by { $reporter }
} on { $reported }; it happened on { $happened }.{ $named ->
    [yes] {" "}It concerns { $concerns }.
   *[no] {""}
}

    { $description }

deviation-acknowledged-subject = Your deviation has been received
deviation-acknowledged-body = The deviation ({ $kind ->
    [work_environment] work environment
    [information_security] information security
    [presence] presence
    [equipment] equipment
   *[other] other
}) you reported on { $reported } has been received.

deviation-closed-subject = Your deviation has been closed
deviation-closed-body = The deviation ({ $kind ->
    [work_environment] work environment
    [information_security] information security
    [presence] presence
    [equipment] equipment
   *[other] other
}) you reported on { $reported } has been closed.

    Action: { $action }

# The line a mail ends with, before the address of the page.
mail-open = Open in distans:

person-departed-subject = { $person } has been deactivated
person-departed-body = { $person } has been deactivated in distans (last day: { $last }). Open requests were withdrawn and agreements end on that day at the latest.
departure-equipment-subject = Equipment to collect from { $person }
departure-equipment-body = { $person } has been deactivated in distans (last day: { $last }). Equipment on loan to collect: { $items }.

password-reset-subject = Choose a new password in distans
password-reset-body = Hello { $name }! Someone asked for a new password for your account { $username }. The link below works for one hour and only once. If it was not you, you can ignore this message.
password-welcome-subject = Choose your password in distans
password-welcome-body = Hello { $name }! Choose a password for your account { $username } with the link below. It works for seven days and only once.

agreement-to-confirm-subject = Confirm { $person }'s remote work agreement
agreement-to-confirm-body = { $person } has moved to { $unit }. The remote work agreement continues only if you, as the new manager, confirm it; until then it applies as before. Open it to confirm or end it.
agreement-kept-after-move-subject = Your remote work agreement continues
agreement-kept-after-move-body = { $by } has confirmed that your remote work agreement continues at { $unit }.
