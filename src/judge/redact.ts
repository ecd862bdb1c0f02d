/**
 * Removes known secrets (the judge key, configured header values) from text before it reaches any output:
 * an OpenAI-compatible server may echo the Authorization header in its error body, and that body becomes
 * the error message users see.
 */
export class SecretRedactor {
  private readonly secrets: string[];

  constructor(secrets: Array<string | undefined>) {
    // Longest first, so a secret that contains another is replaced whole. Very short values (e.g. "1") would
    // shred ordinary text and are no secret worth the name.
    this.secrets = [
      ...new Set(secrets.filter((s): s is string => typeof s === 'string' && s.length >= 6)),
    ].sort((a, b) => b.length - a.length);
  }

  /** The text with every known secret replaced by `[redacted]`. */
  redact(text: string): string {
    let out = text;
    for (const secret of this.secrets) out = out.split(secret).join('[redacted]');
    return out;
  }
}
