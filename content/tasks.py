"""Background work for content: each task takes ids and calls one domain function."""

from celery import shared_task

from content import linking, relinking

TRANSIENT = (ConnectionError, TimeoutError)


@shared_task(
    name="content.update_links_for_article",
    autoretry_for=TRANSIENT,
    retry_backoff=True,
    max_retries=5,
)
def update_links_for_article(article_id: int) -> int:
    return relinking.update_for_article(article_id=article_id)


@shared_task(
    name="content.recompute_profiles", autoretry_for=TRANSIENT, retry_backoff=True, max_retries=5
)
def recompute_profiles(specialist_ids: list[int]) -> int:
    return linking.recompute_profiles(specialist_ids=specialist_ids)


@shared_task(
    name="content.recompute_changed_profiles",
    autoretry_for=TRANSIENT,
    retry_backoff=True,
    max_retries=5,
)
def recompute_changed_profiles() -> int:
    return linking.recompute_changed_profiles()


@shared_task(
    name="content.recompute_all_links", autoretry_for=TRANSIENT, retry_backoff=True, max_retries=5
)
def recompute_all_links() -> int:
    return linking.recompute_all()
