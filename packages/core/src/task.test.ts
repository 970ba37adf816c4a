import { describe, expect, it } from 'vitest';
import { LocustaError } from './errors.ts';
import { activeTasks, declaredTasks, filterTasksByTags } from './task-list.ts';
import { tag, tagsOf, task, taskWeightOf } from './task.ts';
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

describe('@task weights', () => {
  it('gives a bare @task weight 1 and @task(n) weight n, 0 included', () => {
    class U extends User {
      @task plain() {}
      @task() called() {}
      @task(4) heavy() {}
      @task(0) off() {}
    }
    expect(declaredTasks(U).map((t) => [t.name, t.weight])).toEqual([
      ['plain', 1],
      ['called', 1],
      ['heavy', 4],
      ['off', 0],
    ]);
  });

  it.each([-1, 2.5, NaN])('refuses @task(%s) when the class is declared', (weight) => {
    let error: unknown;
    try {
      class U extends User {
        @task(weight) t() {}
      }
      void U;
    } catch (err) {
      error = err;
    }
    expect(error).toBeInstanceOf(LocustaError);
    expect((error as LocustaError).message).toBe(`@task(${weight}): the weight must be an integer >= 0`);
  });

  it('works as a legacy (experimentalDecorators) decorator', () => {
    const target = {};
    const plain = { value: function plain() {} };
    const heavy = { value: function heavy() {} };
    task(target, 'plain', plain);
    const legacy = task(3) as unknown as (target: object, key: string, descriptor: PropertyDescriptor) => void;
    legacy(target, 'heavy', heavy);
    expect(taskWeightOf(plain.value)).toBe(1);
    expect(taskWeightOf(heavy.value)).toBe(3);
    expect(taskWeightOf(function unmarked() {})).toBeUndefined();
    expect(taskWeightOf('not a function')).toBeUndefined();
  });
});

describe('@tag', () => {
  it('adds up the tags of several @tag, on methods and TaskSet classes', () => {
    @tag('a')
    @tag('b', 'c')
    class Tagged extends TaskSet {}
    class U extends User {
      @tag('x') @tag('y') @task t() {}
    }
    expect(tagsOf(Tagged)).toEqual(new Set(['a', 'b', 'c']));
    expect(tagsOf(U.prototype.t)).toEqual(new Set(['x', 'y']));
  });

  it("does not add a subclass's tags to its parent", () => {
    @tag('parent')
    class Parent extends TaskSet {}
    @tag('child')
    class Child extends Parent {}
    expect(tagsOf(Parent)).toEqual(new Set(['parent']));
    expect(tagsOf(Child)).toEqual(new Set(['child']));
  });
});
