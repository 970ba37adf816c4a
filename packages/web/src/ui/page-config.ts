import type { WebCustomOption } from '../web-custom-option.ts';

// Shared by the server, which embeds it in the page, and the page script, which reads it.

/** What the page script needs to know at load; embedded as JSON, never as markup. */
export interface PageConfig {
  basePath: string;
  version: string;
  userFile: string;
  host: string;
  users: number | null;
  spawnRate: number | null;
  runTime: string;
  /** The run's name (`--profile`), '' for none. */
  profile: string;
  /** `--class-picker`: the user classes the form offers, and those ticked. */
  classPicker?: { classes: string[]; selected: string[] };
  customOptions: Array<Omit<WebCustomOption, 'default'> & { value: unknown }>;
  isDistributed: boolean;
  canQuit: boolean;
  hasReport: boolean;
  hasFullHistory: boolean;
  pollMs: number;
  /** The server has extra tables: the page polls `/stats/extra` and adds a tab per table. */
  hasExtraTables: boolean;
}
