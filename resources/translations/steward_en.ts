<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE TS>
<TS version="2.1" language="en" sourcelanguage="en">
<context>
    <name>DisplayText</name>
    <message>
        <source>Infrastructure</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Generated</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Entered by you</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Remote</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Missing</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Configured</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Invalid</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Stale</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>None</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Generated on this computer</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Remote store</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Waiting</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Starting</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Ready</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Restarting</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Stopping</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Stopped</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Failed</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Degraded</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Waiting for secrets</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>no service</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>First-run wizard</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Settings</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Control API</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>stewardctl</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Vault</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Imported</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Rollback</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Entered</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Terminal</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>You, in the app</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>You, at the terminal</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>A client with the admin token</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Steward</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>A client with a wrong token</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Service %1</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Set for the first time</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Changed</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Cleared</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Rolled back</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Value read</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Given to a starting service</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Change asked for</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Clear asked for</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Looked up</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Done</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Refused</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>%1 (%2)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>%1: %2</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>SecretValidator</name>
    <message>
        <source>digits</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>letters</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>capital letters</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>lower-case letters</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>%1 or %2</source>
        <extracomment>A list of kinds of characters, e.g. &quot;letters, digits, - or _&quot;.</extracomment>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>, </source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>a value is required</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>must not start or end with spaces, tabs or line breaks (often a copy-and-paste slip)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>must not contain a NUL character (it is passed as an environment variable)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>is %1 bytes; environment values may be at most %2 bytes</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>is %1 bytes; file secrets may be at most %2 bytes</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>does not have the expected format; expected %1</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>does not have the expected format: %1</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>does not have the expected format</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>in the format the app expects</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>any non-empty value</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>optional</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>one or more characters</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>any number of characters</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>exactly %1 characters</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>at least %1 characters</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>%1 to %2 characters</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>%1: %2</source>
        <extracomment>How many characters, then which: &quot;at least 20 characters: letters or digits&quot;.</extracomment>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>&quot;%1&quot; then %2: %3</source>
        <extracomment>A fixed beginning, then how many characters and which.</extracomment>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>steward</name>
    <message>
        <source>names no file</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>&quot;%1&quot; is not a path inside the folder (no &quot;..&quot;, &quot;.&quot; or empty parts)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>the path holds a NUL character</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>file_mode must be an octal mode such as &quot;0640&quot; (got %1)</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>steward::AuditPanel</name>
    <message>
        <source>Recent activity</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>When</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>What</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Secret</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Service</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>By</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Result</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Check the &amp;trail</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Check that no entry was edited, removed or reordered</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>No audit trail is kept in this run.</source>
        <translation type="unfinished"></translation>
    </message>
    <message numerus="yes">
        <source>The trail is intact: %n entries, none edited, removed or reordered.</source>
        <translation>
            <numerusform>The trail is intact: %n entry, none edited, removed or reordered.</numerusform>
            <numerusform>The trail is intact: %n entries, none edited, removed or reordered.</numerusform>
        </translation>
    </message>
    <message>
        <source>The trail was changed outside Steward: line %1 of %2: %3</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>The trail cannot be trusted: %1</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>steward::AuditTrail</name>
    <message>
        <source>no random bytes for the audit key</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>the audit trail is not open</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>cannot open %1: %2</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>%1 %2: %3</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>cannot rotate %1: %2</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>the last line is cut short (the file was truncated)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>not an audit entry</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>entry %1 follows entry %2 (entries were removed or reordered)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>does not follow the previous entry (its prev hash differs)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>its hash does not match its content (the entry was edited)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>audit.head is missing</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>audit.head was not written with this install&apos;s audit key</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>the trail ends at entry %1 but entry %2 was the last one written (its end was cut off)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>the audit trail is not open yet, so its chain cannot be checked</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>steward::ChangeSecretDialog</name>
    <message>
        <source>%1: change %2</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>steward::ConfigFiles</name>
    <message>
        <source>not a JSON array of files (nor one file object)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>entry %1: %2</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>is not an object</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>has no &quot;name&quot;</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>%1 has no &quot;content&quot; text</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>%1: %2</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>%1 is written twice (%2)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>entry %1 (%2): owner and group are ignored on a desktop; the file belongs to the user running the app</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>steward::DesktopShell</name>
    <message>
        <source>%1 is starting</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>%1 is waiting for its secrets: %2.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>This window closes by itself as soon as the keychain answers.</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>steward::EnvFile</name>
    <message>
        <source>line %1: %2 is set again (before on line %3); the last value wins</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>steward::FirstRunWizard</name>
    <message>
        <source>Set up %1</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>steward::GeneratedSecretsPage</name>
    <message>
        <source>Generated secrets</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>These keys were created for this installation with a secure random number generator. You never need to type them.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>%1 could not be generated</source>
        <translation type="unfinished"></translation>
    </message>
    <message numerus="yes">
        <source>%1 generated (%n chars)</source>
        <translation>
            <numerusform>%1 generated (%n char)</numerusform>
            <numerusform>%1 generated (%n chars)</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>%1 already stored (%n chars)</source>
        <translation>
            <numerusform>%1 already stored (%n char)</numerusform>
            <numerusform>%1 already stored (%n chars)</numerusform>
        </translation>
    </message>
    <message>
        <source>This app needs no generated secrets.</source>
        <translation type="unfinished"></translation>
    </message>
    <message numerus="yes">
        <source>%n secret(s) were imported from the earlier installation in %1: %2.</source>
        <translation>
            <numerusform>%n secret was imported from the earlier installation in %1: %2.</numerusform>
            <numerusform>%n secrets were imported from the earlier installation in %1: %2.</numerusform>
        </translation>
    </message>
    <message>
        <source>The migrations of the earlier installation in %1 were taken over.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Its plaintext secrets file was overwritten and removed.</source>
        <translation type="unfinished"></translation>
    </message>
    <message numerus="yes">
        <source>%1 imported from the earlier installation (%n chars)</source>
        <translation>
            <numerusform>%1 imported from the earlier installation (%n char)</numerusform>
            <numerusform>%1 imported from the earlier installation (%n chars)</numerusform>
        </translation>
    </message>
</context>
<context>
    <name>steward::NoKeychainPage</name>
    <message>
        <source>No keychain available</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>%1 keeps its secrets in your system&apos;s keychain, and none can be used.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>&lt;b&gt;You can keep the secrets in an encrypted file instead.&lt;/b&gt; Its key is then stored in a file next to it that only you can read, so anyone who can read your files (another program you run, a backup) can read the secrets too. Start a keychain service (GNOME Keyring, KWallet) and run %1 again to keep them in the keychain.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Use an encrypted file</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Quit %1</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Opening the encrypted file store...</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>The secrets will be kept in an encrypted file. Click Next.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>The keychain said: %1</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>steward::PromptedSecretsPage</name>
    <message>
        <source>Your secrets</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>%1 needs these from you. Fields marked * are required.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>%1: already stored; change it later in Settings.</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>steward::Reader</name>
    <message>
        <source>line %1: %2</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>expected a variable name (letters, digits and &quot;_&quot;)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>%1 has no &quot;=&quot; after it</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>the value of %1 has no closing %2</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>unexpected text after the closing quote of %1</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>steward::RemoteSecretsPage</name>
    <message>
        <source>Remote secrets</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>These secrets come from your organisation&apos;s secret store. Services that need a missing one wait until it can be fetched.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Secret</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Source</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Status</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Retry</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>not configured</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Not fetched yet</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>steward::ReviewPage</name>
    <message>
        <source>Review</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Nothing is stored until you click Save and start.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Save and start</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>All required secrets provided</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Format validation passed</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Stored in: &lt;b&gt;%1&lt;/b&gt;</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Warning: no keychain is used. The secrets are encrypted, but their key is in a file beside them.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>generated</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>missing</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>entered now</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>already stored</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>skipped</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>fetched</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>not available yet</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>imported from the earlier installation</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>steward::SecretField</name>
    <message>
        <source>%1 (optional)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Show</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Show %1</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Hide</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Skip</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Skip %1</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Enter a value</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Skipped: you can set it later in Settings.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Required. %1</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Optional: leave empty to skip.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Looks good.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>%1 %2</source>
        <comment>a required secret&apos;s label and its mark</comment>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>steward::SecretHistoryDialog</name>
    <message>
        <source>%1: history of %2</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>The last versions of %1 kept in the keychain. Values are never shown; rolling back makes an earlier value current again.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Versions</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Version</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Saved</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>From</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>By</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>In use</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>&amp;Roll back to this version...</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Version %1</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Current</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>No versions are kept yet.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>%1 was not rolled back: %2</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>%1 already has the value of version %2; nothing was changed.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>%1: roll back %2</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Make version %1 of %2 current again? These services restart to use it: %3.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Roll back and restart</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Nothing was changed.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>%1 is back to the value of version %2.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>The versions of %1 that the remote secret store keeps. Values are never shown; rolling back asks the store to make an earlier version current again, as a new version.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>State</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>No remote secret store is configured for %1.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>The versions in the remote store could not be read: %1</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Destroyed</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Deleted</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Note: %1</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>steward::SecretsPanel</name>
    <message>
        <source>Secrets</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Secret</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Kind</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Status</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Source</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Last updated</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Change...</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Regenerate...</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Clear...</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Refresh now</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Fetching the remote secrets again...</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Unknown</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Not set (optional)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Never</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>%1 was not changed: %2</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Save the new %1? These services restart to use it: %2.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>%1: change %2</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Save and restart</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Nothing was changed.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>%1 already had this value; nothing restarted.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>%1 was changed.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>%1: regenerate %2</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Draw a new value for %1? The old one stops working. These services restart: %2.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Regenerate and restart</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>%1 was regenerated.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>%1: clear %2</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Remove the value of %1? These services restart without it: %2.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Clear and restart</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>%1 was cleared.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>&amp;History...</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>steward::ServiceSandbox</name>
    <message>
        <source>each service runs in a sandbox of its own (Landlock ABI %1: %2).</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>services are not isolated from each other on this system (the kernel has no Landlock): one can read another&apos;s secrets and Steward&apos;s admin token (docs/security.md).</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>services are not isolated from each other: these run without a sandbox (&quot;sandbox&quot;: &quot;off&quot;) and can read the other services&apos; secrets and Steward&apos;s admin token (docs/security.md): %1.</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>steward::ServicesPanel</name>
    <message>
        <source>Services</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Service</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>State</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Restarts</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Ports</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Details</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Restart</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Recent log lines:</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Recent log lines of the selected service</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Limits</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>The limits are not applied: %1.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>%1 MB of memory</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>%1% of a CPU core</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>%1 processes</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>none</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>%1 (not applied)</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>steward::SettingsDialog</name>
    <message>
        <source>%1 Settings</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>&amp;Secrets</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Se&amp;rvices</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>&amp;Quit %1</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Stop every service of %1 and exit</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>&amp;Activity</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>steward::ShapedValue</name>
    <message numerus="yes">
        <source>%n key(s)</source>
        <translation>
            <numerusform>%n key</numerusform>
            <numerusform>%n keys</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>%n file(s)</source>
        <translation>
            <numerusform>%n file</numerusform>
            <numerusform>%n files</numerusform>
        </translation>
    </message>
</context>
<context>
    <name>steward::StartingPage</name>
    <message>
        <source>Starting %1</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Try again</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Service</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>State</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Details</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Service progress</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Overall progress</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Open %1</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Saving your secrets in %1...</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Your secrets are saved in %1.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Nothing was saved: %1</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>%1 is ready. Click Finish; it keeps running in the background.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Waiting for secrets: %1</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>steward::StewardRuntime</name>
    <message numerus="yes">
        <source>the %1 has not answered for %n s; if it is locked, unlock it (Steward waits for it)</source>
        <translation>
            <numerusform>the %1 has not answered for %n s; if it is locked, unlock it (Steward waits for it)</numerusform>
            <numerusform>the %1 has not answered for %n s; if it is locked, unlock it (Steward waits for it)</numerusform>
        </translation>
    </message>
    <message>
        <source>keychain</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>secret store</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>steward::TrayIcon</name>
    <message>
        <source>&amp;Open %1</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>&amp;Settings...</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Open &amp;logs folder</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>&amp;Restart services</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>&amp;Quit %1</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>%1: %2</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>steward::WelcomePage</name>
    <message>
        <source>Welcome to %1</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Version %1</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Before %1 starts for the first time, it needs a few secrets: some are generated on this computer, some you enter on the next pages. They are kept in your system&apos;s keychain, never in a plain file.</source>
        <translation type="unfinished"></translation>
    </message>
</context>
</TS>
