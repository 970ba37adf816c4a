import type { UserClass } from '@locusta/core';
import { TaskSet, User, task } from '@locusta/core';
import { describe, expect, it } from 'vitest';
import { getRatio, taskRatioJson, taskRatioText } from './task-ratio.ts';

class Browse extends TaskSet {
  @task(3) list(): void {}
  @task item(): void {}
}

class Shopper extends User {
  static override weight = 3;
  static override tasks = [[Browse, 2]] as never;
  @task(2) checkout(): void {}
}

class Reader extends User {
  @task read(): void {}
  @task(0) never(): void {}
}

class Admin extends User {
  static override fixedCount = 1;
  @task audit(): void {}
}

/** The classes as the CLI hands them over. */
function classes(...list: Array<typeof User>): UserClass[] {
  return list as unknown as UserClass[];
}

describe('getRatio per class', () => {
  it('shares users by weight (Locust: the weights stand for the users when -u is not given)', () => {
    const ratio = getRatio(classes(Shopper, Reader), undefined, false);
    expect(ratio['Shopper']!.ratio).toBe(0.75);
    expect(ratio['Reader']!.ratio).toBe(0.25);
  });

  it("sums each class's tasks to 1, leaving out weight-0 tasks", () => {
    const ratio = getRatio(classes(Shopper, Reader), undefined, false);
    expect(ratio['Shopper']!.tasks!['Browse']!.ratio).toBe(0.5);
    expect(ratio['Shopper']!.tasks!['checkout']).toEqual({ ratio: 0.5 });
    expect(ratio['Reader']!.tasks).toEqual({ read: { ratio: 1 } });
  });

  // Locust's _get_task_ratio starts every level over at 1 when not totalling, so a TaskSet's
  // tasks sum to 1 as in the web UI's /tasks per_class; the CLI scaled them by the TaskSet's share.
  it("sums a nested TaskSet's tasks to 1", () => {
    const browse = getRatio(classes(Shopper), undefined, false)['Shopper']!.tasks!['Browse']!;
    expect(browse.tasks).toEqual({ list: { ratio: 0.75 }, item: { ratio: 0.25 } });
  });

  it('gives fixed-count classes their count first and the rest of -u by weight', () => {
    // 5 users: Admin 1, then 4 shared 3:1.
    const ratio = getRatio(classes(Admin, Shopper, Reader), 5, false);
    expect([ratio['Admin']!.ratio, ratio['Shopper']!.ratio, ratio['Reader']!.ratio]).toEqual([0.2, 0.6, 0.2]);
  });
});

describe('getRatio in total', () => {
  it("scales every task by its class's share, nested TaskSets by their own share", () => {
    const ratio = getRatio(classes(Shopper, Reader), undefined, true);
    expect(ratio['Shopper']).toEqual({
      ratio: 0.75,
      tasks: { Browse: { ratio: 0.375, tasks: { list: { ratio: 0.28125 }, item: { ratio: 0.09375 } } }, checkout: { ratio: 0.375 } },
    });
    expect(ratio['Reader']).toEqual({ ratio: 0.25, tasks: { read: { ratio: 0.25 } } });
  });
});

describe('task ratio output', () => {
  it("prints Locust's two tables, tasks indented under their class", () => {
    const lines = taskRatioText(classes(Reader), 1).split('\n');
    expect(lines.slice(0, 3)).toEqual(['', ' Task ratio per User class', '-'.repeat(80)]);
    expect(lines[3]!.trimEnd()).toBe(' 100.0      Reader');
    expect(lines[4]!.trimEnd()).toBe('   100.0      read');
    expect(lines).toContain(' Total task ratio');
  });

  it('prints per_class and total as JSON', () => {
    const json = JSON.parse(taskRatioJson(classes(Reader), undefined)) as Record<string, unknown>;
    expect(json).toEqual({ per_class: { Reader: { ratio: 1, tasks: { read: { ratio: 1 } } } }, total: { Reader: { ratio: 1, tasks: { read: { ratio: 1 } } } } });
  });
});
