import * as core from '@actions/core';
import { neutraliseLines } from '../util/neutralise.js';
import { noRedaction, type Redactor } from '../util/redact.js';

/** Where an annotation points. */
export type AnnotationProperties = core.AnnotationProperties;

/**
 * The action's log: every line it prints goes through here, redacted (known secrets become
 * `[REDACTED]`, also in the job summary and the comment, which the runner's masking does not cover) and
 * neutralised (no terminal escape, no extra line an attacker controls, no line that the runner would read
 * as a workflow command such as `::set-output` or `::stop-commands::`).
 */
export class ActionLog {
  constructor(private redactor: Redactor = noRedaction) {}

  /** Use a redactor that knows more secrets (the evaluation's, once the config is loaded). */
  setRedactor(redactor: Redactor): void {
    this.redactor = redactor;
  }

  /** Redact without neutralising: for markdown written to the summary or the comment. */
  redact(text: string): string {
    return this.redactor(text);
  }

  /** Redact and neutralise one message. */
  clean(text: string): string {
    return neutraliseLines(this.redactor(text));
  }

  info(message: string): void {
    core.info(this.clean(message));
  }

  notice(message: string, properties?: AnnotationProperties): void {
    core.notice(this.clean(message), this.props(properties));
  }

  warning(message: string, properties?: AnnotationProperties): void {
    core.warning(this.clean(message), this.props(properties));
  }

  error(message: string, properties?: AnnotationProperties): void {
    core.error(this.clean(message), this.props(properties));
  }

  private props(properties?: AnnotationProperties): AnnotationProperties | undefined {
    if (!properties) return undefined;
    return {
      ...properties,
      title: properties.title === undefined ? undefined : this.clean(properties.title),
      file: properties.file === undefined ? undefined : this.clean(properties.file),
    };
  }
}
