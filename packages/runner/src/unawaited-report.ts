import type { UnawaitedDelta } from '@locusta/core';
import type { Check } from './wire-schema.ts';
import { arrayOf, int, object, str } from './wire-schema.ts';

/**
 * The key under which a worker's report carries the missing awaits it found since its last
 * report (core's UnawaitedDelta): the master adds them up, so that the final summary of a
 * distributed run says its load cannot be trusted, as a local run's does.
 */
export const UNAWAITED_KEY = 'unawaited';

export const checkUnawaited: Check = object<UnawaitedDelta>({ requests: int(1), tasks: arrayOf(str(1024, 1), 10_000) });
