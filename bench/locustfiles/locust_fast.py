# Locust's fastest user on the same closed loop as tight.ts: FastHttpUser, no think time.
from locust import FastHttpUser, constant, task


class TightUser(FastHttpUser):
    wait_time = constant(0)

    @task
    def root(self):
        self.client.get("/")
