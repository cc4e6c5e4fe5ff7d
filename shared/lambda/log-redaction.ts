export const REDACTED = '[REDACTED]';

/** Keys compared lowercased with separators removed: `access_token`, `accessToken` and `Access-Token` match alike. */
const sensitiveKeys = new Set([
  'authorization',
  'proxyauthorization',
  'cookie',
  'setcookie',
  'xapikey',
  'apikey',
  'clientsecret',
  'webhooksecret',
  'webhooksecrets',
  'secret',
  'secrets',
  'password',
  'accesstoken',
  'refreshtoken',
  'idtoken',
  'token',
  // eSIM: the activation code, and every form that embeds it.
  'activationcode',
  'matchingid',
  'lpa',
  'lpastring',
  'qrcode',
]);

const sensitiveSuffixes = ['secret', 'secrets', 'password', 'token'];

/** Values that carry a credential whatever key they sit under. */
const sensitiveValuePatterns: readonly [RegExp, string][] = [
  [/^(bearer|basic)\s+[A-Za-z0-9\-._~+/]+=*$/i, `$1 ${REDACTED}`],
  [/^LPA:1\$.*$/s, REDACTED],
];

export function isSensitiveKey(key: string): boolean {
  const normalized = key.toLowerCase().replace(/[^a-z0-9]/g, '');
  return sensitiveKeys.has(normalized) || sensitiveSuffixes.some((suffix) => normalized.endsWith(suffix));
}

/** A `JSON.stringify` replacer: hides secret-bearing keys and credential-looking strings. */
export function redactSensitive(key: string, value: unknown): unknown {
  if (value === undefined || value === null) return value;
  if (key !== '' && isSensitiveKey(key)) return REDACTED;
  if (typeof value === 'string') {
    for (const [pattern, replacement] of sensitiveValuePatterns) {
      if (pattern.test(value)) return value.replace(pattern, replacement);
    }
  }
  return value;
}
