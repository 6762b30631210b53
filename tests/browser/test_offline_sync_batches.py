"""A long day offline: hundreds of visits leave the phone in batches of at most 100, oldest first,
and each reaches the server once."""
from __future__ import annotations

import time

import pytest

from tests.browser.offline_helpers import log_in_and_get_ready, stored_visits, wait_until_all_sent
from tests.builders import make_mipyme, make_user

pytestmark = pytest.mark.browser

QUEUE_VISITS = """async ([officerId, mipymeId, count]) => {
  const store = await import('/static/js/store.js');
  const data = await import('/static/js/visit-data.js');
  const ids = [];
  for (let n = 0; n < count; n += 1) {
    const id = store.newId();
    const fields = { ...data.emptyFields(new Date(Date.now() - (count - n) * 60000)), mipyme_id: String(mipymeId),
                     topics: ['produccion'], notes: `Visita ${n}` };
    await store.queueVisit({ id, officer_id: officerId }, data.fieldsToPayload(id, 1, fields));
    ids.push(id);
  }
  (await import('/static/js/sync.js')).changed();
  return ids;
}"""


def test_a_day_of_visits_goes_in_batches_of_100_oldest_first(live_server, context, page):
    officer = make_user("officer", username="lucia")
    mipyme = make_mipyme(officer)
    log_in_and_get_ready(page, live_server.url, "lucia")
    batches = []
    context.route("**/api/v1/visits/sync",
                  lambda route: (batches.append([v["id"] for v in route.request.post_data_json["visits"]]),
                                 route.continue_()))
    ids = page.evaluate(QUEUE_VISITS, [str(officer.id), mipyme.id, 250])
    page.wait_for_selector("[data-syncbar][data-pending='250']")

    started = time.perf_counter()
    page.click("[data-sync-now]")
    wait_until_all_sent(page)
    elapsed = time.perf_counter() - started
    assert [len(b) for b in batches] == [100, 100, 50]
    assert [i for b in batches for i in b] == ids  # oldest first
    assert sorted(v.id for v in stored_visits()) == sorted(ids)
    print(f"\n250 visits from the phone's outbox to the database in {elapsed:.2f} s")
