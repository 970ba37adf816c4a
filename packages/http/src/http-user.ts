import type { Environment } from '@locusta/core';
import { describeError, User } from '@locusta/core';
import { HttpSession } from './http-session.ts';
import type { CaCertificates } from './user-connections.ts';
import { hostProblem } from './url.ts';

/**
 * A user with an HTTP client (Locust's HttpUser). `this.client` is its own HttpSession, with
 * its own connections and cookies. The base URL is `--host` when given, else the class's
 * `host` (an instance field or a static one).
 */
export class HttpUser extends User {
  static override abstract = true;
  /**
   * HTTPS: skip certificate verification (FastHttpUser's `insecure`, requests' `verify=False`),
   * as an instance field or a static one. Sets the client's `insecure`.
   */
  declare static insecure: boolean | undefined;
  declare insecure: boolean | undefined;
  /** HTTPS: the CA certificates (PEM text) to trust, as an instance field or a static one. */
  declare static ca: CaCertificates | undefined;
  declare ca: CaCertificates | undefined;

  #client: HttpSession | undefined;

  /**
   * The user's HttpSession. It is created on first use rather than in the constructor because
   * a subclass's `host = '...'` field is only set after this constructor has run.
   */
  get client(): HttpSession {
    if (this.#client === undefined) {
      // Throws LocustaError LOCUSTA_ERR_HOST with checkConfig's message when the host is unusable.
      const client = new HttpSession(hostOf(this) ?? '', this);
      const Class = this.constructor as typeof HttpUser;
      client.insecure = this.insecure ?? Class.insecure ?? false;
      client.ca = this.ca ?? Class.ca;
      // A bound method rather than an arrow: no closure context kept per user.
      this.addCleanup(client.close.bind(client));
      this.#client = client;
    }
    return this.#client;
  }

  /** The reason this class cannot run with `environment`, if any (checked before spawning). */
  static checkConfig(environment: Environment): string | undefined {
    if (environment.host) return hostProblem(environment.host);
    let host: string | undefined;
    try {
      // The instance field (`host = '...'`) exists only on an instance, so build a probe.
      const probe = new (this as unknown as new (environment: Environment) => HttpUser)(environment);
      host = probe.host;
    } catch (err) {
      environment.logger.warn(`could not construct ${this.name} to read its host: ${describeError(err)}`);
    }
    return hostProblem(host || this.host);
  }
}

function hostOf(user: HttpUser): string | undefined {
  return user.environment.host || user.host || (user.constructor as typeof HttpUser).host || undefined;
}
