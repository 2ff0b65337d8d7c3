<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE TS>
<TS version="2.1" language="de" sourcelanguage="en">
<context>
    <name>DisplayText</name>
    <message>
        <source>Infrastructure</source>
        <translation>Infrastruktur</translation>
    </message>
    <message>
        <source>Generated</source>
        <translation>Generiert</translation>
    </message>
    <message>
        <source>Entered by you</source>
        <translation>Von Ihnen eingegeben</translation>
    </message>
    <message>
        <source>Remote</source>
        <translation>Extern</translation>
    </message>
    <message>
        <source>Missing</source>
        <translation>Fehlt</translation>
    </message>
    <message>
        <source>Configured</source>
        <translation>Eingerichtet</translation>
    </message>
    <message>
        <source>Invalid</source>
        <translation>Ungültig</translation>
    </message>
    <message>
        <source>Stale</source>
        <translation>Veraltet</translation>
    </message>
    <message>
        <source>%1 (%2)</source>
        <translation>%1 (%2)</translation>
    </message>
    <message>
        <source>%1: %2</source>
        <translation>%1: %2</translation>
    </message>
    <message>
        <source>None</source>
        <translation>Keine</translation>
    </message>
    <message>
        <source>Generated on this computer</source>
        <translation>Auf diesem Computer generiert</translation>
    </message>
    <message>
        <source>Remote store</source>
        <translation>Externer Speicher</translation>
    </message>
    <message>
        <source>Waiting</source>
        <translation>Wartet</translation>
    </message>
    <message>
        <source>Starting</source>
        <translation>Startet</translation>
    </message>
    <message>
        <source>Ready</source>
        <translation>Bereit</translation>
    </message>
    <message>
        <source>Restarting</source>
        <translation>Wird neu gestartet</translation>
    </message>
    <message>
        <source>Stopping</source>
        <translation>Wird beendet</translation>
    </message>
    <message>
        <source>Stopped</source>
        <translation>Beendet</translation>
    </message>
    <message>
        <source>Failed</source>
        <translation>Fehlgeschlagen</translation>
    </message>
    <message>
        <source>Degraded</source>
        <translation>Eingeschränkt</translation>
    </message>
    <message>
        <source>Waiting for secrets</source>
        <translation>Wartet auf Geheimnisse</translation>
    </message>
    <message>
        <source>no service</source>
        <translation>kein Dienst</translation>
    </message>
    <message>
        <source>First-run wizard</source>
        <translation>Einrichtungsassistent</translation>
    </message>
    <message>
        <source>Settings</source>
        <translation>Einstellungen</translation>
    </message>
    <message>
        <source>Control API</source>
        <translation>Steuerungs-API</translation>
    </message>
    <message>
        <source>stewardctl</source>
        <translation>stewardctl</translation>
    </message>
    <message>
        <source>Vault</source>
        <translation>Vault</translation>
    </message>
    <message>
        <source>Imported</source>
        <translation>Importiert</translation>
    </message>
    <message>
        <source>Rollback</source>
        <translation>Zurücksetzung</translation>
    </message>
    <message>
        <source>Entered</source>
        <translation>Eingegeben</translation>
    </message>
    <message>
        <source>Terminal</source>
        <translation>Terminal</translation>
    </message>
    <message>
        <source>You, in the app</source>
        <translation>Sie, in der App</translation>
    </message>
    <message>
        <source>You, at the terminal</source>
        <translation>Sie, im Terminal</translation>
    </message>
    <message>
        <source>A client with the admin token</source>
        <translation>Ein Client mit dem Admin-Token</translation>
    </message>
    <message>
        <source>Steward</source>
        <translation>Steward</translation>
    </message>
    <message>
        <source>A client with a wrong token</source>
        <translation>Ein Client mit falschem Token</translation>
    </message>
    <message>
        <source>Service %1</source>
        <translation>Dienst %1</translation>
    </message>
    <message>
        <source>Set for the first time</source>
        <translation>Erstmals festgelegt</translation>
    </message>
    <message>
        <source>Changed</source>
        <translation>Geändert</translation>
    </message>
    <message>
        <source>Cleared</source>
        <translation>Wert entfernt</translation>
    </message>
    <message>
        <source>Rolled back</source>
        <translation>Zurückgesetzt</translation>
    </message>
    <message>
        <source>Value read</source>
        <translation>Wert gelesen</translation>
    </message>
    <message>
        <source>Given to a starting service</source>
        <translation>An einen startenden Dienst übergeben</translation>
    </message>
    <message>
        <source>Change asked for</source>
        <translation>Änderung angefordert</translation>
    </message>
    <message>
        <source>Clear asked for</source>
        <translation>Entfernen angefordert</translation>
    </message>
    <message>
        <source>Looked up</source>
        <translation>Abgefragt</translation>
    </message>
    <message>
        <source>Done</source>
        <translation>Erledigt</translation>
    </message>
    <message>
        <source>Refused</source>
        <translation>Abgelehnt</translation>
    </message>
</context>
<context>
    <name>SecretValidator</name>
    <message>
        <source>digits</source>
        <translation>Ziffern</translation>
    </message>
    <message>
        <source>letters</source>
        <translation>Buchstaben</translation>
    </message>
    <message>
        <source>capital letters</source>
        <translation>Großbuchstaben</translation>
    </message>
    <message>
        <source>lower-case letters</source>
        <translation>Kleinbuchstaben</translation>
    </message>
    <message>
        <source>%1 or %2</source>
        <extracomment>A list of kinds of characters, e.g. &quot;letters, digits, - or _&quot;.</extracomment>
        <translation>%1 oder %2</translation>
    </message>
    <message>
        <source>, </source>
        <translation>, </translation>
    </message>
    <message>
        <source>a value is required</source>
        <translation>ein Wert ist erforderlich</translation>
    </message>
    <message>
        <source>must not start or end with spaces, tabs or line breaks (often a copy-and-paste slip)</source>
        <translation>darf nicht mit Leerzeichen, Tabulatoren oder Zeilenumbrüchen beginnen oder enden (oft ein Versehen beim Kopieren und Einfügen)</translation>
    </message>
    <message>
        <source>must not contain a NUL character (it is passed as an environment variable)</source>
        <translation>darf kein NUL-Zeichen enthalten (der Wert wird als Umgebungsvariable übergeben)</translation>
    </message>
    <message>
        <source>is %1 bytes; environment values may be at most %2 bytes</source>
        <translation>ist %1 Bytes groß; Werte von Umgebungsvariablen dürfen höchstens %2 Bytes groß sein</translation>
    </message>
    <message>
        <source>is %1 bytes; file secrets may be at most %2 bytes</source>
        <translation>ist %1 Bytes groß; Datei-Geheimnisse dürfen höchstens %2 Bytes groß sein</translation>
    </message>
    <message>
        <source>does not have the expected format; expected %1</source>
        <translation>hat nicht das erwartete Format; erwartet: %1</translation>
    </message>
    <message>
        <source>does not have the expected format: %1</source>
        <translation>hat nicht das erwartete Format: %1</translation>
    </message>
    <message>
        <source>does not have the expected format</source>
        <translation>hat nicht das erwartete Format</translation>
    </message>
    <message>
        <source>in the format the app expects</source>
        <translation>im von der App erwarteten Format</translation>
    </message>
    <message>
        <source>any non-empty value</source>
        <translation>ein beliebiger, nicht leerer Wert</translation>
    </message>
    <message>
        <source>optional</source>
        <translation>optional</translation>
    </message>
    <message>
        <source>one or more characters</source>
        <translation>ein oder mehrere Zeichen</translation>
    </message>
    <message>
        <source>any number of characters</source>
        <translation>beliebig viele Zeichen</translation>
    </message>
    <message>
        <source>exactly %1 characters</source>
        <translation>genau %1 Zeichen</translation>
    </message>
    <message>
        <source>at least %1 characters</source>
        <translation>mindestens %1 Zeichen</translation>
    </message>
    <message>
        <source>%1 to %2 characters</source>
        <translation>%1 bis %2 Zeichen</translation>
    </message>
    <message>
        <source>%1: %2</source>
        <extracomment>How many characters, then which: &quot;at least 20 characters: letters or digits&quot;.</extracomment>
        <translation>%1: %2</translation>
    </message>
    <message>
        <source>&quot;%1&quot; then %2: %3</source>
        <extracomment>A fixed beginning, then how many characters and which.</extracomment>
        <translation>&quot;%1&quot;, dann %2: %3</translation>
    </message>
</context>
<context>
    <name>steward</name>
    <message>
        <source>names no file</source>
        <translation>bezeichnet keine Datei</translation>
    </message>
    <message>
        <source>&quot;%1&quot; is not a path inside the folder (no &quot;..&quot;, &quot;.&quot; or empty parts)</source>
        <translation>&quot;%1&quot; ist kein Pfad innerhalb des Ordners (ohne &quot;..&quot;, &quot;.&quot; oder leere Bestandteile)</translation>
    </message>
    <message>
        <source>the path holds a NUL character</source>
        <translation>der Pfad enthält ein NUL-Zeichen</translation>
    </message>
    <message>
        <source>file_mode must be an octal mode such as &quot;0640&quot; (got %1)</source>
        <translation>file_mode muss ein oktaler Modus wie &quot;0640&quot; sein (erhalten: %1)</translation>
    </message>
</context>
<context>
    <name>steward::AuditPanel</name>
    <message>
        <source>Recent activity</source>
        <translation>Letzte Aktivitäten</translation>
    </message>
    <message>
        <source>When</source>
        <translation>Zeitpunkt</translation>
    </message>
    <message>
        <source>What</source>
        <translation>Aktion</translation>
    </message>
    <message>
        <source>Secret</source>
        <translation>Geheimnis</translation>
    </message>
    <message>
        <source>Service</source>
        <translation>Dienst</translation>
    </message>
    <message>
        <source>By</source>
        <translation>Von</translation>
    </message>
    <message>
        <source>Result</source>
        <translation>Ergebnis</translation>
    </message>
    <message>
        <source>Check the &amp;trail</source>
        <translation>&amp;Protokoll prüfen</translation>
    </message>
    <message>
        <source>Check that no entry was edited, removed or reordered</source>
        <translation>Prüfen, dass kein Eintrag bearbeitet, entfernt oder umsortiert wurde</translation>
    </message>
    <message>
        <source>No audit trail is kept in this run.</source>
        <translation>In dieser Sitzung wird kein Audit-Protokoll geführt.</translation>
    </message>
    <message numerus="yes">
        <source>The trail is intact: %n entries, none edited, removed or reordered.</source>
        <translation>
            <numerusform>Das Protokoll ist intakt: %n Eintrag, weder bearbeitet noch entfernt oder umsortiert.</numerusform>
            <numerusform>Das Protokoll ist intakt: %n Einträge, keiner bearbeitet, entfernt oder umsortiert.</numerusform>
        </translation>
    </message>
    <message>
        <source>The trail was changed outside Steward: line %1 of %2: %3</source>
        <translation>Das Protokoll wurde außerhalb von Steward geändert: Zeile %1 in %2: %3</translation>
    </message>
    <message>
        <source>The trail cannot be trusted: %1</source>
        <translation>Dem Protokoll kann nicht vertraut werden: %1</translation>
    </message>
</context>
<context>
    <name>steward::AuditTrail</name>
    <message>
        <source>the audit trail is not open yet, so its chain cannot be checked</source>
        <translation>das Audit-Protokoll ist noch nicht geöffnet, daher kann seine Kette nicht geprüft werden</translation>
    </message>
    <message>
        <source>no random bytes for the audit key</source>
        <translation>keine Zufallsbytes für den Audit-Schlüssel</translation>
    </message>
    <message>
        <source>the audit trail is not open</source>
        <translation>das Audit-Protokoll ist nicht geöffnet</translation>
    </message>
    <message>
        <source>cannot open %1: %2</source>
        <translation>%1 kann nicht geöffnet werden: %2</translation>
    </message>
    <message>
        <source>%1 %2: %3</source>
        <translation>%1 %2: %3</translation>
    </message>
    <message>
        <source>cannot rotate %1: %2</source>
        <translation>%1 kann nicht rotiert werden: %2</translation>
    </message>
    <message>
        <source>the last line is cut short (the file was truncated)</source>
        <translation>die letzte Zeile ist unvollständig (die Datei wurde abgeschnitten)</translation>
    </message>
    <message>
        <source>not an audit entry</source>
        <translation>kein Audit-Eintrag</translation>
    </message>
    <message>
        <source>entry %1 follows entry %2 (entries were removed or reordered)</source>
        <translation>Eintrag %1 folgt auf Eintrag %2 (Einträge wurden entfernt oder umsortiert)</translation>
    </message>
    <message>
        <source>does not follow the previous entry (its prev hash differs)</source>
        <translation>folgt nicht auf den vorherigen Eintrag (sein prev-Hash weicht ab)</translation>
    </message>
    <message>
        <source>its hash does not match its content (the entry was edited)</source>
        <translation>sein Hash passt nicht zu seinem Inhalt (der Eintrag wurde bearbeitet)</translation>
    </message>
    <message>
        <source>audit.head is missing</source>
        <translation>audit.head fehlt</translation>
    </message>
    <message>
        <source>audit.head was not written with this install&apos;s audit key</source>
        <translation>audit.head wurde nicht mit dem Audit-Schlüssel dieser Installation geschrieben</translation>
    </message>
    <message>
        <source>the trail ends at entry %1 but entry %2 was the last one written (its end was cut off)</source>
        <translation>das Protokoll endet bei Eintrag %1, aber Eintrag %2 wurde zuletzt geschrieben (sein Ende wurde abgeschnitten)</translation>
    </message>
</context>
<context>
    <name>steward::ChangeSecretDialog</name>
    <message>
        <source>%1: change %2</source>
        <translation>%1: %2 ändern</translation>
    </message>
</context>
<context>
    <name>steward::ConfigFiles</name>
    <message>
        <source>not a JSON array of files (nor one file object)</source>
        <translation>kein JSON-Array von Dateien (und auch kein einzelnes Dateiobjekt)</translation>
    </message>
    <message>
        <source>entry %1: %2</source>
        <translation>Eintrag %1: %2</translation>
    </message>
    <message>
        <source>is not an object</source>
        <translation>ist kein Objekt</translation>
    </message>
    <message>
        <source>has no &quot;name&quot;</source>
        <translation>hat kein &quot;name&quot;</translation>
    </message>
    <message>
        <source>%1 has no &quot;content&quot; text</source>
        <translation>%1 hat keinen &quot;content&quot;-Text</translation>
    </message>
    <message>
        <source>%1: %2</source>
        <translation>%1: %2</translation>
    </message>
    <message>
        <source>%1 is written twice (%2)</source>
        <translation>%1 wird zweimal geschrieben (%2)</translation>
    </message>
    <message>
        <source>entry %1 (%2): owner and group are ignored on a desktop; the file belongs to the user running the app</source>
        <translation>Eintrag %1 (%2): Eigentümer und Gruppe werden auf einem Desktop ignoriert; die Datei gehört dem Benutzer, der die App ausführt</translation>
    </message>
</context>
<context>
    <name>steward::DesktopShell</name>
    <message>
        <source>%1 is starting</source>
        <translation>%1 wird gestartet</translation>
    </message>
    <message>
        <source>%1 is waiting for its secrets: %2.</source>
        <translation>%1 wartet auf seine Geheimnisse: %2.</translation>
    </message>
    <message>
        <source>This window closes by itself as soon as the keychain answers.</source>
        <translation>Dieses Fenster schließt sich von selbst, sobald der Schlüsselbund antwortet.</translation>
    </message>
</context>
<context>
    <name>steward::EnvFile</name>
    <message>
        <source>line %1: %2 is set again (before on line %3); the last value wins</source>
        <translation>Zeile %1: %2 wird erneut gesetzt (zuvor in Zeile %3); der letzte Wert gilt</translation>
    </message>
</context>
<context>
    <name>steward::FirstRunWizard</name>
    <message>
        <source>Set up %1</source>
        <translation>%1 einrichten</translation>
    </message>
</context>
<context>
    <name>steward::GeneratedSecretsPage</name>
    <message>
        <source>Generated secrets</source>
        <translation>Generierte Geheimnisse</translation>
    </message>
    <message>
        <source>These keys were created for this installation with a secure random number generator. You never need to type them.</source>
        <translation>Diese Schlüssel wurden für diese Installation mit einem sicheren Zufallszahlengenerator erzeugt. Sie müssen sie nie eintippen.</translation>
    </message>
    <message numerus="yes">
        <source>%n secret(s) were imported from the earlier installation in %1: %2.</source>
        <translation>
            <numerusform>%n Geheimnis wurde aus der früheren Installation in %1 importiert: %2.</numerusform>
            <numerusform>%n Geheimnisse wurden aus der früheren Installation in %1 importiert: %2.</numerusform>
        </translation>
    </message>
    <message>
        <source>The migrations of the earlier installation in %1 were taken over.</source>
        <translation>Die Migrationen der früheren Installation in %1 wurden übernommen.</translation>
    </message>
    <message>
        <source>Its plaintext secrets file was overwritten and removed.</source>
        <translation>Deren Klartextdatei mit Geheimnissen wurde überschrieben und entfernt.</translation>
    </message>
    <message>
        <source>%1 could not be generated</source>
        <translation>%1 konnte nicht generiert werden</translation>
    </message>
    <message numerus="yes">
        <source>%1 imported from the earlier installation (%n chars)</source>
        <translation>
            <numerusform>%1 aus der früheren Installation importiert (%n Zeichen)</numerusform>
            <numerusform>%1 aus der früheren Installation importiert (%n Zeichen)</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>%1 generated (%n chars)</source>
        <translation>
            <numerusform>%1 generiert (%n Zeichen)</numerusform>
            <numerusform>%1 generiert (%n Zeichen)</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>%1 already stored (%n chars)</source>
        <translation>
            <numerusform>%1 bereits gespeichert (%n Zeichen)</numerusform>
            <numerusform>%1 bereits gespeichert (%n Zeichen)</numerusform>
        </translation>
    </message>
    <message>
        <source>This app needs no generated secrets.</source>
        <translation>Diese App benötigt keine generierten Geheimnisse.</translation>
    </message>
</context>
<context>
    <name>steward::NoKeychainPage</name>
    <message>
        <source>No keychain available</source>
        <translation>Kein Schlüsselbund verfügbar</translation>
    </message>
    <message>
        <source>%1 keeps its secrets in your system&apos;s keychain, and none can be used.</source>
        <translation>%1 bewahrt seine Geheimnisse im Schlüsselbund Ihres Systems auf, doch es ist keiner nutzbar.</translation>
    </message>
    <message>
        <source>&lt;b&gt;You can keep the secrets in an encrypted file instead.&lt;/b&gt; Its key is then stored in a file next to it that only you can read, so anyone who can read your files (another program you run, a backup) can read the secrets too. Start a keychain service (GNOME Keyring, KWallet) and run %1 again to keep them in the keychain.</source>
        <translation>&lt;b&gt;Sie können die Geheimnisse stattdessen in einer verschlüsselten Datei aufbewahren.&lt;/b&gt; Deren Schlüssel wird dann in einer Datei daneben gespeichert, die nur Sie lesen können, sodass jeder, der Ihre Dateien lesen kann (ein anderes Programm, das Sie ausführen, eine Sicherung), auch die Geheimnisse lesen kann. Starten Sie einen Schlüsselbund-Dienst (GNOME Keyring, KWallet) und führen Sie %1 erneut aus, um die Geheimnisse im Schlüsselbund aufzubewahren.</translation>
    </message>
    <message>
        <source>Use an encrypted file</source>
        <translation>Verschlüsselte Datei verwenden</translation>
    </message>
    <message>
        <source>Quit %1</source>
        <translation>%1 beenden</translation>
    </message>
    <message>
        <source>Opening the encrypted file store...</source>
        <translation>Der verschlüsselte Dateispeicher wird geöffnet...</translation>
    </message>
    <message>
        <source>The secrets will be kept in an encrypted file. Click Next.</source>
        <translation>Die Geheimnisse werden in einer verschlüsselten Datei aufbewahrt. Klicken Sie auf Weiter.</translation>
    </message>
    <message>
        <source>The keychain said: %1</source>
        <translation>Meldung des Schlüsselbunds: %1</translation>
    </message>
</context>
<context>
    <name>steward::PromptedSecretsPage</name>
    <message>
        <source>Your secrets</source>
        <translation>Ihre Geheimnisse</translation>
    </message>
    <message>
        <source>%1 needs these from you. Fields marked * are required.</source>
        <translation>%1 benötigt diese Angaben von Ihnen. Mit * markierte Felder sind Pflichtfelder.</translation>
    </message>
    <message>
        <source>%1: already stored; change it later in Settings.</source>
        <translation>%1: bereits gespeichert; Sie können es später in den Einstellungen ändern.</translation>
    </message>
</context>
<context>
    <name>steward::Reader</name>
    <message>
        <source>line %1: %2</source>
        <translation>Zeile %1: %2</translation>
    </message>
    <message>
        <source>expected a variable name (letters, digits and &quot;_&quot;)</source>
        <translation>Variablenname erwartet (Buchstaben, Ziffern und &quot;_&quot;)</translation>
    </message>
    <message>
        <source>%1 has no &quot;=&quot; after it</source>
        <translation>auf %1 folgt kein &quot;=&quot;</translation>
    </message>
    <message>
        <source>the value of %1 has no closing %2</source>
        <translation>dem Wert von %1 fehlt das schließende %2</translation>
    </message>
    <message>
        <source>unexpected text after the closing quote of %1</source>
        <translation>unerwarteter Text nach dem schließenden Anführungszeichen von %1</translation>
    </message>
</context>
<context>
    <name>steward::RemoteSecretsPage</name>
    <message>
        <source>Remote secrets</source>
        <translation>Externe Geheimnisse</translation>
    </message>
    <message>
        <source>These secrets come from your organisation&apos;s secret store. Services that need a missing one wait until it can be fetched.</source>
        <translation>Diese Geheimnisse stammen aus dem Geheimnisspeicher Ihrer Organisation. Dienste, die ein fehlendes benötigen, warten, bis es abgerufen werden kann.</translation>
    </message>
    <message>
        <source>Secret</source>
        <translation>Geheimnis</translation>
    </message>
    <message>
        <source>Source</source>
        <translation>Quelle</translation>
    </message>
    <message>
        <source>Status</source>
        <translation>Status</translation>
    </message>
    <message>
        <source>Retry</source>
        <translation>Erneut versuchen</translation>
    </message>
    <message>
        <source>not configured</source>
        <translation>nicht eingerichtet</translation>
    </message>
    <message>
        <source>Not fetched yet</source>
        <translation>Noch nicht abgerufen</translation>
    </message>
</context>
<context>
    <name>steward::ReviewPage</name>
    <message>
        <source>Review</source>
        <translation>Überprüfung</translation>
    </message>
    <message>
        <source>Nothing is stored until you click Save and start.</source>
        <translation>Es wird erst etwas gespeichert, wenn Sie auf „Speichern und starten“ klicken.</translation>
    </message>
    <message>
        <source>Save and start</source>
        <translation>Speichern und starten</translation>
    </message>
    <message>
        <source>All required secrets provided</source>
        <translation>Alle erforderlichen Geheimnisse angegeben</translation>
    </message>
    <message>
        <source>Format validation passed</source>
        <translation>Formatprüfung bestanden</translation>
    </message>
    <message>
        <source>Stored in: &lt;b&gt;%1&lt;/b&gt;</source>
        <translation>Gespeichert in: &lt;b&gt;%1&lt;/b&gt;</translation>
    </message>
    <message>
        <source>Warning: no keychain is used. The secrets are encrypted, but their key is in a file beside them.</source>
        <translation>Warnung: Es wird kein Schlüsselbund verwendet. Die Geheimnisse sind verschlüsselt, aber ihr Schlüssel liegt in einer Datei daneben.</translation>
    </message>
    <message>
        <source>imported from the earlier installation</source>
        <translation>aus der früheren Installation importiert</translation>
    </message>
    <message>
        <source>generated</source>
        <translation>generiert</translation>
    </message>
    <message>
        <source>missing</source>
        <translation>fehlt</translation>
    </message>
    <message>
        <source>entered now</source>
        <translation>jetzt eingegeben</translation>
    </message>
    <message>
        <source>already stored</source>
        <translation>bereits gespeichert</translation>
    </message>
    <message>
        <source>skipped</source>
        <translation>übersprungen</translation>
    </message>
    <message>
        <source>fetched</source>
        <translation>abgerufen</translation>
    </message>
    <message>
        <source>not available yet</source>
        <translation>noch nicht verfügbar</translation>
    </message>
</context>
<context>
    <name>steward::SecretField</name>
    <message>
        <source>%1 (optional)</source>
        <translation>%1 (optional)</translation>
    </message>
    <message>
        <source>Show</source>
        <translation>Anzeigen</translation>
    </message>
    <message>
        <source>Show %1</source>
        <translation>%1 anzeigen</translation>
    </message>
    <message>
        <source>Hide</source>
        <translation>Verbergen</translation>
    </message>
    <message>
        <source>Skip</source>
        <translation>Überspringen</translation>
    </message>
    <message>
        <source>Skip %1</source>
        <translation>%1 überspringen</translation>
    </message>
    <message>
        <source>Enter a value</source>
        <translation>Geben Sie einen Wert ein</translation>
    </message>
    <message>
        <source>Skipped: you can set it later in Settings.</source>
        <translation>Übersprungen: Sie können es später in den Einstellungen festlegen.</translation>
    </message>
    <message>
        <source>Required. %1</source>
        <translation>Erforderlich. %1</translation>
    </message>
    <message>
        <source>Optional: leave empty to skip.</source>
        <translation>Optional: leer lassen, um es zu überspringen.</translation>
    </message>
    <message>
        <source>Looks good.</source>
        <translation>Sieht gut aus.</translation>
    </message>
    <message>
        <source>%1 %2</source>
        <comment>a required secret&apos;s label and its mark</comment>
        <translation>%1 %2</translation>
    </message>
</context>
<context>
    <name>steward::SecretHistoryDialog</name>
    <message>
        <source>%1: history of %2</source>
        <translation>%1: Verlauf von %2</translation>
    </message>
    <message>
        <source>The versions of %1 that the remote secret store keeps. Values are never shown; rolling back asks the store to make an earlier version current again, as a new version.</source>
        <translation>Die Versionen von %1, die der externe Geheimnisspeicher aufbewahrt. Werte werden nie angezeigt; beim Zurücksetzen wird der Speicher gebeten, eine frühere Version als neue Version wieder aktuell zu machen.</translation>
    </message>
    <message>
        <source>The last versions of %1 kept in the keychain. Values are never shown; rolling back makes an earlier value current again.</source>
        <translation>Die letzten im Schlüsselbund aufbewahrten Versionen von %1. Werte werden nie angezeigt; beim Zurücksetzen wird ein früherer Wert wieder aktuell.</translation>
    </message>
    <message>
        <source>Versions</source>
        <translation>Versionen</translation>
    </message>
    <message>
        <source>Version</source>
        <translation>Version</translation>
    </message>
    <message>
        <source>Saved</source>
        <translation>Gespeichert</translation>
    </message>
    <message>
        <source>State</source>
        <translation>Zustand</translation>
    </message>
    <message>
        <source>From</source>
        <translation>Herkunft</translation>
    </message>
    <message>
        <source>By</source>
        <translation>Von</translation>
    </message>
    <message>
        <source>In use</source>
        <translation>In Verwendung</translation>
    </message>
    <message>
        <source>&amp;Roll back to this version...</source>
        <translation>Auf diese Version &amp;zurücksetzen...</translation>
    </message>
    <message>
        <source>Version %1</source>
        <translation>Version %1</translation>
    </message>
    <message>
        <source>Current</source>
        <translation>Aktuell</translation>
    </message>
    <message>
        <source>No versions are kept yet.</source>
        <translation>Es werden noch keine Versionen aufbewahrt.</translation>
    </message>
    <message>
        <source>No remote secret store is configured for %1.</source>
        <translation>Für %1 ist kein externer Geheimnisspeicher eingerichtet.</translation>
    </message>
    <message>
        <source>The versions in the remote store could not be read: %1</source>
        <translation>Die Versionen im externen Speicher konnten nicht gelesen werden: %1</translation>
    </message>
    <message>
        <source>Destroyed</source>
        <translation>Vernichtet</translation>
    </message>
    <message>
        <source>Deleted</source>
        <translation>Gelöscht</translation>
    </message>
    <message>
        <source>%1 was not rolled back: %2</source>
        <translation>%1 wurde nicht zurückgesetzt: %2</translation>
    </message>
    <message>
        <source>%1 already has the value of version %2; nothing was changed.</source>
        <translation>%1 hat bereits den Wert von Version %2; es wurde nichts geändert.</translation>
    </message>
    <message>
        <source>%1: roll back %2</source>
        <translation>%1: %2 zurücksetzen</translation>
    </message>
    <message>
        <source>Make version %1 of %2 current again? These services restart to use it: %3.</source>
        <translation>Version %1 von %2 wieder aktuell machen? Diese Dienste werden neu gestartet, um sie zu verwenden: %3.</translation>
    </message>
    <message>
        <source>Roll back and restart</source>
        <translation>Zurücksetzen und neu starten</translation>
    </message>
    <message>
        <source>Nothing was changed.</source>
        <translation>Es wurde nichts geändert.</translation>
    </message>
    <message>
        <source>%1 is back to the value of version %2.</source>
        <translation>%1 hat wieder den Wert von Version %2.</translation>
    </message>
    <message>
        <source>Note: %1</source>
        <translation>Hinweis: %1</translation>
    </message>
</context>
<context>
    <name>steward::SecretsPanel</name>
    <message>
        <source>Secrets</source>
        <translation>Geheimnisse</translation>
    </message>
    <message>
        <source>Secret</source>
        <translation>Geheimnis</translation>
    </message>
    <message>
        <source>Kind</source>
        <translation>Art</translation>
    </message>
    <message>
        <source>Status</source>
        <translation>Status</translation>
    </message>
    <message>
        <source>Source</source>
        <translation>Quelle</translation>
    </message>
    <message>
        <source>Last updated</source>
        <translation>Zuletzt aktualisiert</translation>
    </message>
    <message>
        <source>Change...</source>
        <translation>Ändern...</translation>
    </message>
    <message>
        <source>Regenerate...</source>
        <translation>Neu generieren...</translation>
    </message>
    <message>
        <source>Clear...</source>
        <translation>Entfernen...</translation>
    </message>
    <message>
        <source>Refresh now</source>
        <translation>Jetzt aktualisieren</translation>
    </message>
    <message>
        <source>&amp;History...</source>
        <translation>&amp;Verlauf...</translation>
    </message>
    <message>
        <source>Fetching the remote secrets again...</source>
        <translation>Die externen Geheimnisse werden erneut abgerufen...</translation>
    </message>
    <message>
        <source>Unknown</source>
        <translation>Unbekannt</translation>
    </message>
    <message>
        <source>Not set (optional)</source>
        <translation>Nicht festgelegt (optional)</translation>
    </message>
    <message>
        <source>Never</source>
        <translation>Nie</translation>
    </message>
    <message>
        <source>%1 was not changed: %2</source>
        <translation>%1 wurde nicht geändert: %2</translation>
    </message>
    <message>
        <source>%1 already had this value; nothing restarted.</source>
        <translation>%1 hatte bereits diesen Wert; es wurde nichts neu gestartet.</translation>
    </message>
    <message>
        <source>Save the new %1? These services restart to use it: %2.</source>
        <translation>Neuen Wert für %1 speichern? Diese Dienste werden neu gestartet, um ihn zu verwenden: %2.</translation>
    </message>
    <message>
        <source>%1: change %2</source>
        <translation>%1: %2 ändern</translation>
    </message>
    <message>
        <source>Save and restart</source>
        <translation>Speichern und neu starten</translation>
    </message>
    <message>
        <source>Nothing was changed.</source>
        <translation>Es wurde nichts geändert.</translation>
    </message>
    <message>
        <source>%1 was changed.</source>
        <translation>%1 wurde geändert.</translation>
    </message>
    <message>
        <source>%1: regenerate %2</source>
        <translation>%1: %2 neu generieren</translation>
    </message>
    <message>
        <source>Draw a new value for %1? The old one stops working. These services restart: %2.</source>
        <translation>Einen neuen Wert für %1 erzeugen? Der alte wird ungültig. Diese Dienste werden neu gestartet: %2.</translation>
    </message>
    <message>
        <source>Regenerate and restart</source>
        <translation>Neu generieren und neu starten</translation>
    </message>
    <message>
        <source>%1 was regenerated.</source>
        <translation>%1 wurde neu generiert.</translation>
    </message>
    <message>
        <source>%1: clear %2</source>
        <translation>%1: Wert von %2 entfernen</translation>
    </message>
    <message>
        <source>Remove the value of %1? These services restart without it: %2.</source>
        <translation>Den Wert von %1 entfernen? Diese Dienste werden ohne ihn neu gestartet: %2.</translation>
    </message>
    <message>
        <source>Clear and restart</source>
        <translation>Entfernen und neu starten</translation>
    </message>
    <message>
        <source>%1 was cleared.</source>
        <translation>Der Wert von %1 wurde entfernt.</translation>
    </message>
</context>
<context>
    <name>steward::ServiceSandbox</name>
    <message>
        <source>each service runs in a sandbox of its own (Landlock ABI %1: %2).</source>
        <translation>jeder Dienst läuft in einer eigenen Sandbox (Landlock ABI %1: %2).</translation>
    </message>
    <message>
        <source>services are not isolated from each other on this system (the kernel has no Landlock): one can read another&apos;s secrets and Steward&apos;s admin token (docs/security.md).</source>
        <translation>Dienste sind auf diesem System nicht voneinander isoliert (der Kernel hat kein Landlock): ein Dienst kann die Geheimnisse eines anderen und das Admin-Token von Steward lesen (docs/security.md).</translation>
    </message>
    <message>
        <source>services are not isolated from each other: these run without a sandbox (&quot;sandbox&quot;: &quot;off&quot;) and can read the other services&apos; secrets and Steward&apos;s admin token (docs/security.md): %1.</source>
        <translation>Dienste sind nicht voneinander isoliert: diese laufen ohne Sandbox (&quot;sandbox&quot;: &quot;off&quot;) und können die Geheimnisse der anderen Dienste und das Admin-Token von Steward lesen (docs/security.md): %1.</translation>
    </message>
</context>
<context>
    <name>steward::ServicesPanel</name>
    <message>
        <source>Services</source>
        <translation>Dienste</translation>
    </message>
    <message>
        <source>Service</source>
        <translation>Dienst</translation>
    </message>
    <message>
        <source>State</source>
        <translation>Zustand</translation>
    </message>
    <message>
        <source>Restarts</source>
        <translation>Neustarts</translation>
    </message>
    <message>
        <source>Ports</source>
        <translation>Ports</translation>
    </message>
    <message>
        <source>Details</source>
        <translation>Details</translation>
    </message>
    <message>
        <source>Restart</source>
        <translation>Neu starten</translation>
    </message>
    <message>
        <source>Recent log lines:</source>
        <translation>Letzte Log-Zeilen:</translation>
    </message>
    <message>
        <source>Recent log lines of the selected service</source>
        <translation>Letzte Log-Zeilen des ausgewählten Dienstes</translation>
    </message>
    <message>
        <source>Limits</source>
        <translation>Grenzen</translation>
    </message>
    <message>
        <source>The limits are not applied: %1.</source>
        <translation>Die Grenzen werden nicht angewendet: %1.</translation>
    </message>
    <message>
        <source>%1 MB of memory</source>
        <translation>%1 MB Arbeitsspeicher</translation>
    </message>
    <message>
        <source>%1% of a CPU core</source>
        <translation>%1 % eines CPU-Kerns</translation>
    </message>
    <message>
        <source>%1 processes</source>
        <translation>%1 Prozesse</translation>
    </message>
    <message>
        <source>none</source>
        <translation>keine</translation>
    </message>
    <message>
        <source>%1 (not applied)</source>
        <translation>%1 (nicht angewendet)</translation>
    </message>
</context>
<context>
    <name>steward::SettingsDialog</name>
    <message>
        <source>%1 Settings</source>
        <translation>%1 – Einstellungen</translation>
    </message>
    <message>
        <source>&amp;Secrets</source>
        <translation>&amp;Geheimnisse</translation>
    </message>
    <message>
        <source>Se&amp;rvices</source>
        <translation>&amp;Dienste</translation>
    </message>
    <message>
        <source>&amp;Activity</source>
        <translation>A&amp;ktivität</translation>
    </message>
    <message>
        <source>&amp;Quit %1</source>
        <translation>%1 &amp;beenden</translation>
    </message>
    <message>
        <source>Stop every service of %1 and exit</source>
        <translation>Alle Dienste von %1 beenden und das Programm schließen</translation>
    </message>
</context>
<context>
    <name>steward::ShapedValue</name>
    <message numerus="yes">
        <source>%n file(s)</source>
        <translation>
            <numerusform>%n Datei</numerusform>
            <numerusform>%n Dateien</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>%n key(s)</source>
        <translation>
            <numerusform>%n Schlüssel</numerusform>
            <numerusform>%n Schlüssel</numerusform>
        </translation>
    </message>
</context>
<context>
    <name>steward::StartingPage</name>
    <message>
        <source>Starting %1</source>
        <translation>%1 wird gestartet</translation>
    </message>
    <message>
        <source>Try again</source>
        <translation>Erneut versuchen</translation>
    </message>
    <message>
        <source>Service progress</source>
        <translation>Fortschritt der Dienste</translation>
    </message>
    <message>
        <source>Service</source>
        <translation>Dienst</translation>
    </message>
    <message>
        <source>State</source>
        <translation>Zustand</translation>
    </message>
    <message>
        <source>Details</source>
        <translation>Details</translation>
    </message>
    <message>
        <source>Overall progress</source>
        <translation>Gesamtfortschritt</translation>
    </message>
    <message>
        <source>Open %1</source>
        <translation>%1 öffnen</translation>
    </message>
    <message>
        <source>Saving your secrets in %1...</source>
        <translation>Ihre Geheimnisse werden in %1 gespeichert...</translation>
    </message>
    <message>
        <source>Your secrets are saved in %1.</source>
        <translation>Ihre Geheimnisse sind in %1 gespeichert.</translation>
    </message>
    <message>
        <source>Nothing was saved: %1</source>
        <translation>Es wurde nichts gespeichert: %1</translation>
    </message>
    <message>
        <source>Waiting for secrets: %1</source>
        <translation>Warten auf Geheimnisse: %1</translation>
    </message>
    <message>
        <source>%1 is ready. Click Finish; it keeps running in the background.</source>
        <translation>%1 ist bereit. Klicken Sie auf Fertigstellen; das Programm läuft im Hintergrund weiter.</translation>
    </message>
</context>
<context>
    <name>steward::StewardRuntime</name>
    <message numerus="yes">
        <source>the %1 has not answered for %n s; if it is locked, unlock it (Steward waits for it)</source>
        <translation>
            <numerusform>der %1 hat seit %n s nicht geantwortet; falls er gesperrt ist, entsperren Sie ihn (Steward wartet darauf)</numerusform>
            <numerusform>der %1 hat seit %n s nicht geantwortet; falls er gesperrt ist, entsperren Sie ihn (Steward wartet darauf)</numerusform>
        </translation>
    </message>
    <message>
        <source>keychain</source>
        <translation>Schlüsselbund</translation>
    </message>
    <message>
        <source>secret store</source>
        <translation>Geheimnisspeicher</translation>
    </message>
</context>
<context>
    <name>steward::TrayIcon</name>
    <message>
        <source>&amp;Open %1</source>
        <translation>%1 ö&amp;ffnen</translation>
    </message>
    <message>
        <source>&amp;Settings...</source>
        <translation>&amp;Einstellungen...</translation>
    </message>
    <message>
        <source>Open &amp;logs folder</source>
        <translation>&amp;Log-Ordner öffnen</translation>
    </message>
    <message>
        <source>&amp;Restart services</source>
        <translation>Dienste &amp;neu starten</translation>
    </message>
    <message>
        <source>&amp;Quit %1</source>
        <translation>%1 &amp;beenden</translation>
    </message>
    <message>
        <source>%1: %2</source>
        <translation>%1: %2</translation>
    </message>
</context>
<context>
    <name>steward::WelcomePage</name>
    <message>
        <source>Welcome to %1</source>
        <translation>Willkommen bei %1</translation>
    </message>
    <message>
        <source>Version %1</source>
        <translation>Version %1</translation>
    </message>
    <message>
        <source>Before %1 starts for the first time, it needs a few secrets: some are generated on this computer, some you enter on the next pages. They are kept in your system&apos;s keychain, never in a plain file.</source>
        <translation>Bevor %1 zum ersten Mal startet, werden einige Geheimnisse benötigt: Manche werden auf diesem Computer generiert, andere geben Sie auf den nächsten Seiten ein. Die Geheimnisse werden im Schlüsselbund Ihres Systems aufbewahrt, niemals in einer unverschlüsselten Datei.</translation>
    </message>
</context>
</TS>
