"""Foundation pages: the home page and the health check."""

from django.test import Client

from bench.harness import Context, measure_get


def run(ctx: Context) -> None:
    client = Client()
    ctx.add_timing("home page", measure_get(client, "/"))
    ctx.add_timing("healthz", measure_get(client, "/healthz", repeats=100))
