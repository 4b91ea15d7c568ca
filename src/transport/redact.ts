// Redaction lives below every layer (errors/ uses it too); this path stays for existing importers.
export { createRedactor, redactText, redactUrl, type Redactor } from '../redact.js'
