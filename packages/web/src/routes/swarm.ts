import { MAX_USERS, hostProblem, parseTimespan } from '@locusta/core';
import type { WebCustomOption } from '../web-custom-option.ts';
import { OptionValueError, convertOptionValue, fieldNames } from '../custom-options.ts';
import type { FormFields } from '../form-body.ts';

/** Locust's replies to a /swarm it refuses (sent with HTTP 200 and `success: false`, as Locust does). */
export const MISSING_USERS_OR_RATE = 'Missing user_count or spawn_rate from /swarm request';
export const INVALID_RUN_TIME = 'Valid run_time formats are : 20, 20s, 3m, 2h, 1h20m, 3h30m10s, etc.';
export const NO_WORKERS = "You can't start a distributed test before at least one worker process has connected";

/** A valid /swarm request. */
export interface SwarmForm {
  users: number;
  spawnRate: number;
  /** The posted host with `<` and `>` removed (Locust's guard against markup in it). */
  host?: string;
  /** The run's name (`--profile`), markup characters removed; '' clears it. */
  profile?: string;
  /** `--class-picker`: the user classes ticked (Locust's repeated `user_classes`); [] for none. */
  userClasses?: string[];
  /** Seconds; undefined when not posted or empty. */
  runTime?: number;
  /** The run time as posted, for the form's next default. */
  runTimeText?: string;
  custom: Record<string, unknown>;
}

/**
 * A refused /swarm. Locust's own refusals keep its HTTP 200; values Locust would crash on or
 * start a test that cannot run with (a user count that is not a whole number or above
 * MAX_USERS, a negative spawn rate, a host that is no http(s) URL, a custom option of the wrong
 * type) get 400 with the same JSON envelope.
 */
export interface SwarmRefusal {
  status: number;
  message: string;
}

function wholeNumber(text: string): number | undefined {
  // int() in Python accepts surrounding blanks and a sign; only >= 0 makes sense here.
  return /^\s*\+?\d+\s*$/.test(text) ? Number(text) : undefined;
}

/**
 * Reads a /swarm form as Locust does: fields in the order posted, the first bad one refused;
 * `user_count` and `spawn_rate` required (a spawn rate of 0 counts as missing, as in Locust);
 * an empty `run_time` ignored; any field naming a custom option sets it, typed.
 */
export function parseSwarmForm(fields: FormFields, customOptions: readonly WebCustomOption[], classPicker?: readonly string[]): SwarmForm | SwarmRefusal {
  const byField = new Map<string, WebCustomOption>();
  for (const option of customOptions) for (const f of fieldNames(option.name)) byField.set(f, option);
  let users: number | undefined;
  let spawnRate: number | undefined;
  const form: Omit<SwarmForm, 'users' | 'spawnRate'> = { custom: {} };
  for (const [name, values] of fields) {
    const value = values[values.length - 1] ?? '';
    switch (name) {
      case 'user_count':
        if (value.trim() === '') break;
        users = wholeNumber(value);
        if (users === undefined) return { status: 400, message: `Invalid user_count '${value}': expected a whole number of users >= 0` };
        if (users > MAX_USERS) return { status: 400, message: `Invalid user_count '${value.trim()}': at most ${MAX_USERS} users can be started` };
        break;
      case 'spawn_rate': {
        if (value.trim() === '') break;
        const rate = Number(value);
        if (!Number.isFinite(rate) || rate < 0) return { status: 400, message: `Invalid spawn_rate '${value}': expected a number of users per second > 0` };
        spawnRate = rate;
        break;
      }
      case 'host': {
        form.host = value.replace(/[<>]/g, '');
        // Checked as on the command line: with a host that is no http(s) URL every user dies at its start.
        const problem = form.host.trim() === '' ? undefined : hostProblem(form.host);
        if (problem) return { status: 400, message: problem };
        break;
      }
      case 'user_classes': {
        if (!classPicker) break; // without --class-picker the classes are the command line's
        const unknown = values.filter((v) => !classPicker.includes(v));
        if (unknown.length > 0) return { status: 400, message: `Unknown User(s): ${unknown.join(', ')}` };
        form.userClasses = values.filter((v) => v !== '');
        break;
      }
      case 'profile':
        form.profile = value.replace(/[<>]/g, '').trim();
        break;
      case 'run_time':
        if (value.trim() === '') break;
        try {
          form.runTime = parseTimespan(value);
          form.runTimeText = value.trim();
        } catch {
          return { status: 200, message: INVALID_RUN_TIME };
        }
        break;
      default: {
        const option = byField.get(name);
        if (!option) break; // Locust ignores fields that are no option
        try {
          form.custom[option.name] = convertOptionValue(option, values);
        } catch (err) {
          if (err instanceof OptionValueError) return { status: 400, message: err.message };
          throw err;
        }
      }
    }
  }
  if (users === undefined || !spawnRate) return { status: 200, message: MISSING_USERS_OR_RATE };
  return { ...form, users, spawnRate };
}

export function isRefusal(value: SwarmForm | SwarmRefusal): value is SwarmRefusal {
  return 'message' in value;
}
