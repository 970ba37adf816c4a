import { TaskSet, User, task } from '@locusta/core';
import { describe, expect, it } from 'vitest';
import { describeUserClasses, tasksReport } from './task-ratios.ts';

class Browse extends TaskSet {
  @task(3) list(): void {}
  @task item(): void {}
}

class Shopper extends User {
  static override tasks = [[Browse, 3], [Browse, 1]] as never;
  @task(4) checkout(): void {}
}

class Reader extends User {
  @task read(): void {}
}

describe('task ratios for /tasks', () => {
  it('nests TaskSets, adds repeated tasks, and scales the total by class shares', () => {
    const classes = describeUserClasses([Shopper as never, Reader as never], { Shopper: 3, Reader: 1 });
    expect(classes[0]).toEqual({
      name: 'Shopper',
      userCount: 3,
      tasks: { Browse: { ratio: 0.5, tasks: { list: { ratio: 0.75 }, item: { ratio: 0.25 } } }, checkout: { ratio: 0.5 } },
    });
    const report = tasksReport(classes);
    expect(report.per_class['Reader']).toEqual({ ratio: 0.25, tasks: { read: { ratio: 1 } } });
    expect(report.total['Shopper']).toEqual({
      ratio: 0.75,
      tasks: { Browse: { ratio: 0.375, tasks: { list: { ratio: 0.28125 }, item: { ratio: 0.09375 } } }, checkout: { ratio: 0.375 } },
    });
    expect(report.total['Reader']).toEqual({ ratio: 0.25, tasks: { read: { ratio: 0.25 } } });
  });
});
