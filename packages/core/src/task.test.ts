import { describe, expect, it } from 'vitest';
import { activeTasks, declaredTasks, filterTasksByTags } from './task-list.ts';
import { tag, task } from './task.ts';
import { TaskSet } from './task-set.ts';
import { User } from './user.ts';

class Base extends User {
  @task(3) async a() {}
  @tag('x') @task async b() {}
}
class Child extends Base {
  @task(2) async c() {}
}

describe('@task', () => {
  it('collects decorated methods with weights, in declaration order', () => {
    expect(declaredTasks(Base).map((t) => [t.name, t.weight])).toEqual([
      ['a', 3],
      ['b', 1],
    ]);
  });
  it('gives subclasses the parent tasks without leaking theirs into the parent', () => {
    expect(declaredTasks(Child).map((t) => t.name)).toEqual(['a', 'b', 'c']);
    expect(declaredTasks(Base).map((t) => t.name)).toEqual(['a', 'b']);
  });
  it('accepts a static tasks map and list', () => {
    class Sub extends TaskSet {
      @task async inner() {}
    }
    class Plain extends User {
      static override tasks = { one: 2 };
      one() {}
    }
    class Listed extends User {
      static override tasks = [Sub, [function solo() {}, 4] as const];
    }
    expect(declaredTasks(Plain).map((t) => [t.name, t.weight])).toEqual([['one', 2]]);
    expect(declaredTasks(Listed).map((t) => [t.name, t.weight, t.isTaskSet])).toEqual([
      ['Sub', 1, true],
      ['solo', 4, false],
    ]);
  });
  it('filters by tags', () => {
    class Tagged extends User {
      @tag('a') @task async one() {}
      @tag('b') @task async two() {}
      @task async three() {}
    }
    filterTasksByTags([Tagged], ['a']);
    expect(activeTasks(Tagged).map((t) => t.name)).toEqual(['one']);
    filterTasksByTags([Tagged], undefined, ['a']);
    expect(activeTasks(Tagged).map((t) => t.name)).toEqual(['two', 'three']);
    filterTasksByTags([Tagged], ['a', 'b'], ['b']);
    expect(activeTasks(Tagged).map((t) => t.name)).toEqual(['one']);
  });
});
