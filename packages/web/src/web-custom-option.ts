// Types only, without imports: the page script (DOM-only tsconfig) reads this too.

/** A custom option of the user file (`events.initCommandLineParser`), shown in the start form. */
export interface WebCustomOption {
  /** The long option name as declared, without dashes: `model`, `max-tokens`. */
  name: string;
  /** The value the form starts with: the parsed value of this run, else the option's default. */
  default?: unknown;
  help?: string;
  /** @default 'string' */
  type?: 'string' | 'number' | 'boolean' | 'array';
  /** When given, the form offers these values only. */
  choices?: ReadonlyArray<string | number>;
  /** A password-type field (the value still travels in clear over plain HTTP). */
  secret?: boolean;
}
