// Keys never reach a log, an error message or the terminal. Everything printed from a request or a response
// passes through `redact`, which removes the key in every form it travels in (as is, in a Basic header, encoded).

export function secretForms(key: string): string[] {
  if (!key) return [];
  const forms = new Set<string>([key, Buffer.from(`${key}:`, 'utf8').toString('base64'), encodeURIComponent(key)]);
  // The base64 of key + ":" without its padding, as it may appear cut in a log line.
  forms.add(Buffer.from(`${key}:`, 'utf8').toString('base64').replace(/=+$/, ''));
  return [...forms].filter((f) => f.length >= 4).sort((a, b) => b.length - a.length);
}

export function redact(text: string, keys: readonly (string | undefined)[]): string {
  let out = text;
  for (const key of keys) {
    if (!key) continue;
    for (const form of secretForms(key)) out = out.split(form).join('***');
  }
  return out;
}
