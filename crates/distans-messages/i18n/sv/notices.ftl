# Notices: what people are told in the app and by e-mail. Each notice has a
# subject and a body; the link to the page is added by the app and the mailer.

request-received-subject = Ansökan om distansarbete från { $person }
request-received-body = { $person } ansöker om distansarbete { $days } dagar per vecka från { $start }. Beslutet fattas av { $decider ->
    [hr] HR
   *[manager] chefen
}.

request-approved-subject = Din ansökan om distansarbete är beviljad
request-approved-body = { $by } har beviljat din ansökan. Du får signera överenskommelsen när den är skickad till dig.

agreement-draft-subject = Överenskommelse att granska: { $person }
agreement-draft-body = Utkastet till överenskommelse med { $person } är skrivet från mallen. Granska det och skicka det för signering.

request-declined-subject = Din ansökan om distansarbete är avslagen
request-declined-body = { $by } har avslagit din ansökan. Skäl: { $reason }

request-changes-subject = Din ansökan om distansarbete behöver ändras
request-changes-body = { $by } ber dig ändra din ansökan: { $reason }

agreement-to-sign-subject = Din överenskommelse om distansarbete är klar att signera
agreement-to-sign-body = Överenskommelsen väntar på din signatur.

agreement-to-sign-employer-subject = Överenskommelse att signera: { $person }
agreement-to-sign-employer-body = Överenskommelsen med { $person } väntar på din signatur.

agreement-signed-subject = Överenskommelsen om distansarbete är signerad
agreement-signed-body = Båda parter har signerat överenskommelsen för { $person }. Den gäller från { $start }.

agreement-signed-by-one-subject = { $by } har signerat överenskommelsen
agreement-signed-by-one-body = { $by } har signerat. Överenskommelsen väntar på din signatur.

agreement-ended-subject = Överenskommelsen om distansarbete upphör
agreement-ended-body = { $by } har sagt upp överenskommelsen för { $person }. Sista dag: { $last }.

agreement-ending-soon-subject = Överenskommelsen om distansarbete upphör snart
agreement-ending-soon-body = Överenskommelsen för { $person } gäller till och med { $last }. Vill ni fortsätta behövs en ny ansökan.

equipment-to-collect-subject = Utrustning att hämta in
equipment-to-collect-body = Överenskommelsen för { $person } upphör (sista dag: { $last }). Utlånad utrustning att hämta in: { $items }.

temporary-decision-delegated-subject = Delegerat till dig: { $title }
temporary-decision-delegated-body = { $by } har fattat ett tillfälligt beslut ({ $start } – { $end }) och delegerat till dig att tillämpa det för dina medarbetare. Gå igenom checklistan.
temporary-decision-issued-subject = Tillfälligt beslut: { $title }
temporary-decision-issued-body = { $by } har fattat ett tillfälligt beslut som gäller dig från { $start } till { $end }: { $title }. { $whole ->
    [yes] Det gäller hela organisationen.
   *[no] Det gäller { $units } och enheterna under.
} Du får arbeta på distans upp till { $days } dagar i veckan under perioden. Läs beslutet för att se vad det betyder för dig.

development-talk-set-subject = Medarbetarsamtal med uppföljning av distansarbetet
development-talk-set-body = { $by } har satt ditt medarbetarsamtal till { $date }. Då följer ni också upp distansarbetet.

followup-due-subject = { $kind ->
    [risk_assessment] Riskbedömningen av distansarbetsplatsen
    [development_talk] Uppföljningen vid medarbetarsamtalet
   *[follow_up] Uppföljningen av distansarbetet
} senast { $due }
followup-due-body = { $kind ->
    [risk_assessment] Riskbedömningen av distansarbetsplatsen
    [development_talk] Uppföljningen vid medarbetarsamtalet
   *[follow_up] Uppföljningen av distansarbetet
} för { $person } ska göras senast { $due }. Medarbetaren och chefen fyller i checklistan tillsammans.

followup-overdue-subject = { $kind ->
    [risk_assessment] Riskbedömningen av distansarbetsplatsen
    [development_talk] Uppföljningen vid medarbetarsamtalet
   *[follow_up] Uppföljningen av distansarbetet
} är försenad
followup-overdue-body = { $kind ->
    [risk_assessment] Riskbedömningen av distansarbetsplatsen
    [development_talk] Uppföljningen vid medarbetarsamtalet
   *[follow_up] Uppföljningen av distansarbetet
} för { $person } skulle göras senast { $due }. Medarbetaren och chefen fyller i checklistan tillsammans.

followup-confirm-subject = { $kind ->
    [risk_assessment] Riskbedömningen av distansarbetsplatsen
    [development_talk] Uppföljningen vid medarbetarsamtalet
   *[follow_up] Uppföljningen av distansarbetet
}: bekräfta svaren
followup-confirm-body = { $by } har bekräftat svaren för { $person }. Gå igenom och bekräfta du också.

followup-actions-created-subject = Åtgärder efter uppföljning: { $person }
followup-actions-created-body = { $kind ->
    [risk_assessment] Riskbedömningen av distansarbetsplatsen
    [development_talk] Uppföljningen vid medarbetarsamtalet
   *[follow_up] Uppföljningen av distansarbetet
} för { $person } visade { $count ->
    [one] en risk som blivit en åtgärd
   *[other] { $count } risker som blivit åtgärder
} med dig som ansvarig.

followup-action-assigned-subject = Åtgärd att genomföra: { $person }
followup-action-assigned-body = { $by } har gett dig ansvar för åtgärden ”{ $action }” (senast { $due }).

followup-action-closed-subject = En åtgärd efter uppföljningen är klar
followup-action-closed-body = { $by } har stängt åtgärden ”{ $action }”: { $note }

followup-action-overdue-subject = Åtgärd försenad: { $person }
followup-action-overdue-body = Åtgärden ”{ $action }” skulle vara klar { $due }.

deviation-reported-subject = { $serious ->
    [yes] Allvarlig: avvikelse
   *[no] Avvikelse
} ({ $kind ->
    [work_environment] arbetsmiljö
    [information_security] informationssäkerhet
    [presence] närvaro
    [equipment] utrustning
   *[other] övrigt
}) i { $unit }
deviation-reported-body = En avvikelse ({ $kind ->
    [work_environment] arbetsmiljö
    [information_security] informationssäkerhet
    [presence] närvaro
    [equipment] utrustning
   *[other] övrigt
}) har rapporterats { $anonymous ->
    [yes] av en anonym rapportör
   *[no] av { $reporter }
} den { $reported }, inträffad { $happened }.{ $named ->
    [yes] {" "}Den gäller { $concerns }.
   *[no] {""}
}

    { $description }

deviation-acknowledged-subject = Din avvikelse har tagits emot
deviation-acknowledged-body = Avvikelsen ({ $kind ->
    [work_environment] arbetsmiljö
    [information_security] informationssäkerhet
    [presence] närvaro
    [equipment] utrustning
   *[other] övrigt
}) som du rapporterade { $reported } har tagits emot.

deviation-closed-subject = Din avvikelse har avslutats
deviation-closed-body = Avvikelsen ({ $kind ->
    [work_environment] arbetsmiljö
    [information_security] informationssäkerhet
    [presence] närvaro
    [equipment] utrustning
   *[other] övrigt
}) som du rapporterade { $reported } har avslutats.

    Åtgärd: { $action }

# The line a mail ends with, before the address of the page.
mail-open = Öppna i distans:

person-departed-subject = { $person } har avslutats
person-departed-body = { $person } har avslutats i distans (sista dag: { $last }). Öppna ansökningar har dragits tillbaka och överenskommelser upphör senast den dagen.
departure-equipment-subject = Utrustning att hämta in från { $person }
departure-equipment-body = { $person } har avslutats i distans (sista dag: { $last }). Utlånad utrustning att hämta in: { $items }.

password-reset-subject = Välj ett nytt lösenord i distans
password-reset-body = Hej { $name }! Någon bad om ett nytt lösenord för ditt konto { $username }. Länken nedan gäller i en timme och kan bara användas en gång. Om det inte var du kan du strunta i det här meddelandet.
password-welcome-subject = Välj ditt lösenord i distans
password-welcome-body = Hej { $name }! Välj ett lösenord för ditt konto { $username } med länken nedan. Den gäller i sju dagar och kan bara användas en gång.

agreement-to-confirm-subject = Bekräfta { $person }s överenskommelse om distansarbete
agreement-to-confirm-body = { $person } har flyttat till { $unit }. Överenskommelsen om distansarbete gäller vidare bara om du som ny chef bekräftar den; tills dess gäller den som förut. Öppna den för att bekräfta eller avsluta den.
agreement-kept-after-move-subject = Din överenskommelse om distansarbete gäller vidare
agreement-kept-after-move-body = { $by } har bekräftat att din överenskommelse om distansarbete gäller vidare på { $unit }.
