import { describe, expect, it } from 'vitest';
import { Environment } from './environment.ts';
import { Events } from './events.ts';
import { missingTasks } from './missing-tasks.ts';
import { filterTasksByTags } from './task-list.ts';
import { tag, task } from './task.ts';
import { TaskSet } from './task-set.ts';
import { User } from './user.ts';

describe('classes with no task to run', () => {
  it("are named in Locust's words, User or TaskSet, before or after the tag filters", () => {
    class Empty extends User {}
    class Zero extends User {
      @task(0) never() {}
    }
    class NoTasksSet extends TaskSet {}
    class Nesting extends User {
      static override tasks = [NoTasksSet];
    }
    class Tagged extends User {
      @tag('read') @task read() {}
    }
    expect(missingTasks([Empty])).toMatch(/^No tasks defined on Empty\. Use the @task decorator or set the 'tasks' attribute of the User/);
    expect(missingTasks([Zero])).toMatch(/^No tasks defined on Zero\./);
    expect(missingTasks([Nesting])).toMatch(/^No tasks defined on NoTasksSet\. .* of the TaskSet$/);
    expect(missingTasks([Tagged])).toBeUndefined();
    expect(missingTasks([Tagged], ['read'])).toBeUndefined();
    expect(missingTasks([Tagged], ['write'])).toBe('No tasks defined on Tagged: it had no tasks left after filtering (--tags write)');
    expect(missingTasks([Tagged], undefined, ['read'])).toBe('No tasks defined on Tagged: it had no tasks left after filtering (--exclude-tags read)');
    filterTasksByTags([Tagged]);
  });

  it('a user whose tasks are filtered away after the check reports an error rather than stopping silently', async () => {
    const e = new Environment({ events: new Events() });
    const errors: string[] = [];
    e.events.userError.addListener(({ exception }) => errors.push((exception as Error).message));
    class Later extends User {
      @tag('a') @task t() {}
    }
    filterTasksByTags([Later], ['b']);
    await new Later(e).run();
    filterTasksByTags([Later]);
    expect(errors).toEqual(['No tasks defined on Later']);
  });
});
