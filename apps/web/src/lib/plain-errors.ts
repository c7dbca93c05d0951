// Form errors in plain words, in one place. The shared zod schemas (and the API, which validates with the
// same schemas) speak in fragments meant for a developer: "must be at least 1 character", "must be an
// integer", or zod's own "Invalid input: expected string, received undefined". Every field's error goes
// through plainFieldError (components/ui Field, ExpiryField, and a refused change's notice), so a person
// reads what to do instead: "Tell the requester why; they will see this."

/** What to say when a field is left empty (or too short to mean anything), by the field's label. */
const WHEN_EMPTY: Record<string, string> = {
  reason: 'Tell the requester why; they will see this.',
  comment: 'Add a comment for the record; the requester will see it.',
  justification:
    'Tell the approvers why the service needs this, in a sentence (10 characters or more); they decide on it.',
  service: 'Choose a service.',
  destination: 'Choose a destination, or "any host (port-wide)".',
  port: 'Choose a port.',
  name: 'Give it a name.',
  'rule name': 'Give the rule a name.',
  email: 'Enter an e-mail address.',
  password: 'Enter a password.',
  url: 'Enter the receiver’s URL, starting with https://.',
  host: 'Enter the host name, like api.example.com.',
  namespace: 'Enter the namespace.',
  threshold: 'Enter how many blocked connections raise an alert.',
  events: 'Choose at least one event.',
  expiry: 'Pick a date, or choose "No expiry".',
};

/** Raw messages that mean "nothing (usable) was given". */
const EMPTY = [
  /^must not be empty$/,
  /^must be at least \d+ characters?$/,
  /^required$/i,
  /^must be a string$/,
  /^invalid input: expected \w+, received (undefined|null|nan)$/i,
  /^invalid input$/i,
  /^must be an integer$/,
  /^must be a number$/,
  /^choose at least one/,
];

/** Generic rewrites of the schema's fragments, whatever the field. */
const REWRITES: [RegExp, (m: RegExpMatchArray, label: string) => string][] = [
  [/^must be at least (\d+) characters?$/, (m) => `Write at least ${m[1]} characters.`],
  [/^must be at most (\d+) characters$/, (m) => `Keep it to ${m[1]} characters or fewer.`],
  [
    /^must be between (\d+) and (\d+)$/,
    (m, label) => `Enter ${label === 'port' ? 'a port' : 'a whole number'} from ${m[1]} to ${m[2]}.`,
  ],
  [/^must be at least (\d+)$/, (m) => `Enter ${m[1]} or more.`],
  [/^must be at most (\d+)$/, (m) => `Enter ${m[1]} or less.`],
  [/^must be an? (integer|number)$/, () => 'Enter a whole number.'],
  [/^must be an email address$/, () => 'Enter an e-mail address, like name@example.com.'],
  [/^must be an RFC 3339 timestamp$/, () => 'Pick a date.'],
  [/^must be a UUID$/, () => 'Choose one from the list.'],
  [/^Too (small|big)|^Invalid /, () => 'Check this value.'],
];

/** "Reason (optional)" -> "reason": the key a label is known by. */
function keyOf(label: string): string {
  return label
    .replace(/\s*\(.*\)\s*$/, '')
    .trim()
    .toLowerCase();
}

function sentence(text: string): string {
  const t = text.trim();
  const capital = t.charAt(0).toUpperCase() + t.slice(1);
  return /[.!?)]$/.test(capital) ? capital : `${capital}.`;
}

/**
 * The message a person reads under a field labelled `label`. Messages already written for people (the
 * settings form names the field itself; the server's "is not a registered destination") pass through as
 * sentences; a bare "must …" gets the field's name in front ("Namespace must be a DNS-1123 label: …").
 */
export function plainFieldError(label: string, message: string | undefined): string | undefined {
  if (!message) return message;
  const raw = message.trim();
  const key = keyOf(label);
  const empty = WHEN_EMPTY[key];
  if (empty && EMPTY.some((re) => re.test(raw))) return empty;
  for (const [re, write] of REWRITES) {
    const m = raw.match(re);
    if (m) return write(m, key);
  }
  if (/^must /.test(raw)) return sentence(`${label.replace(/\s*\(.*\)\s*$/, '')} ${raw}`);
  return sentence(raw);
}

/** "body.gateway.minReplicas" -> "Gateway min replicas": a server field path as words, for a notice. */
export function fieldWords(path: string): string {
  const last = path
    .replace(/^(body|query|params)\.?/, '')
    .replace(/\[\d+\]/g, '')
    .split('.')
    .filter(Boolean);
  const words = last
    .join(' ')
    .replace(/([a-z])([A-Z])/g, '$1 $2')
    .toLowerCase();
  return words ? words.charAt(0).toUpperCase() + words.slice(1) : 'The request';
}
