import { HttpUser, TaskSet, between, constant, tag, task } from 'locusta';

/** Browsing a catalogue: runs until it calls interrupt(), then the user picks another task. */
class Browse extends TaskSet<WebsiteUser> {
  waitTime = constant(0.5);

  @task(4)
  async item() {
    const id = 1 + Math.floor(Math.random() * 1000);
    // `name` groups every item URL under one stats entry.
    await this.client.get(`/item/${id}`, { name: '/item/[id]' });
  }

  @task
  leave() {
    this.interrupt();
  }
}

export class WebsiteUser extends HttpUser {
  waitTime = between(0.5, 2);
  static override weight = 3;
  static override tasks = [Browse];

  @tag('read')
  @task(3)
  async home() {
    await this.client.get('/');
  }

  @tag('read')
  @task(2)
  async search() {
    await this.client.get('/search', { query: { q: 'locust' }, name: '/search' });
  }

  @tag('write')
  @task
  async order() {
    await this.client.post('/orders', { json: { item: 42, quantity: 1 } });
  }
}

/** A second class with its own weight: one AdminUser for every three WebsiteUsers. */
export class AdminUser extends HttpUser {
  waitTime = between(2, 5);

  @tag('admin')
  @task
  async report() {
    await this.client.get('/admin/report');
  }
}
