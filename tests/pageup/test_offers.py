"""Offers: filters, processing per action type, creating offers, the shell offer."""

from datetime import UTC, datetime, timedelta, timezone

import pytest

from hireport.dialects.pageup import shapes
from hireport.dialects.pageup.shapes import to_wire
from hireport.kit.auth import Caller
from hireport.services import offers
from hireport.services.applications import FormAnswer
from hireport.services.offers import OfferFields
from tests.pageup.conftest import HIRE, Hire, assert_error


@pytest.fixture
def stages(hire: Hire, runtime) -> dict[str, int]:
    """Offers on the fixture application at each stage: offered, accepted, complete (form submitted)."""
    caller, clock = Caller.operator(218), runtime.clock
    with runtime.db.transaction() as s:
        offered = offers.create(s, caller, hire.records["application"], OfferFields(), clock=clock)
        complete = offers.create(s, caller, hire.records["application"], OfferFields(), clock=clock)
        offers.accept(s, caller, complete, clock=clock)
        offers.complete_onboarding_form(s, caller, complete, [FormAnswer(question="BSB", answer="062")], clock=clock)
        return {"offered": offered.id, "accepted": hire.records["offer"], "complete": complete.id}


def _ids(hire: Hire, **params) -> list[int]:
    page = hire.http.get(f"{HIRE}/offers", params={"pageSize": 500, **params}).json()
    return [item["OfferInfo"]["PUReferenceID"] for item in page["Items"]]


def test_filters(hire: Hire, stages):
    assert _ids(hire) == sorted(stages.values())
    assert _ids(hire, offerAccepted="true") == sorted([stages["accepted"], stages["complete"]])
    assert _ids(hire, offerAccepted="false") == [stages["offered"]]
    assert _ids(hire, formComplete="true") == [stages["complete"]]
    assert _ids(hire, formComplete="false", offerAccepted="true") == [stages["accepted"]]
    assert _ids(hire, offerAccepted="true", offerProcessed="false", formComplete="true") == [stages["complete"]]
    assert_error(hire.http.get(f"{HIRE}/offers", params={"offerAccepted": "maybe"}), 400)
    assert_error(hire.http.get(f"{HIRE}/offers", params={"offerActionTypeId": -1}), 400)


def test_processed_offer_does_not_come_back(hire: Hire, stages):
    export = {"offerAccepted": "true", "offerProcessed": "false", "formComplete": "true"}
    done = hire.http.post(f"{HIRE}/offers/{stages['complete']}/process").json()
    assert (done["OfferProcessed"], done["AlreadyProcessed"], done["OfferActionTypeID"]) == (True, False, None)
    assert _ids(hire, **export) == []
    assert _ids(hire, offerProcessed="true") == [stages["complete"]]
    again = hire.http.post(f"{HIRE}/offers/{stages['complete']}/process").json()
    assert again["AlreadyProcessed"] is True
    assert _ids(hire, offerProcessed="true") == [stages["complete"]]


def test_each_action_type_has_its_own_processed_flag(hire: Hire, stages):
    export = {"offerAccepted": "true", "offerProcessed": "false", "formComplete": "true"}
    hire.http.post(f"{HIRE}/offers/{stages['complete']}/process", params={"offerActionTypeId": 1})
    assert _ids(hire, offerActionTypeId=1, **export) == []
    assert _ids(hire, offerActionTypeId=2, **export) == [stages["complete"]]
    assert _ids(hire, **export) == [stages["complete"]], "the default flag is its own too"
    offer = hire.http.get(f"{HIRE}/offers/{stages['complete']}", params={"offerActionTypeId": 1}).json()
    assert (offer["OfferProcessed"], offer["ProcessedOfferActionTypeIDs"]) == (True, [1])
    assert hire.http.get(f"{HIRE}/offers/{stages['complete']}").json()["OfferProcessed"] is False


def test_offer_and_onboarding_form(hire: Hire, stages):
    offer = hire.http.get(f"{HIRE}/offers/{stages['complete']}").json()
    assert (offer["OfferAccepted"], offer["FormComplete"], offer["ParentOfferID"]) == (True, True, 0)
    assert offer["ApplicationInfo"]["PUReferenceID"] == hire.records["application"]
    assert offer["ApplicantInfo"]["PUReferenceID"] == hire.records["applicant"]
    form = hire.http.get(f"{HIRE}/offers/{stages['complete']}/onboardingform").json()
    assert (form["FormComplete"], form["Answers"]) == (True, [{"Question": "BSB", "Answer": "062"}])
    empty = hire.http.get(f"{HIRE}/offers/{stages['offered']}/onboardingform").json()
    assert (empty["FormComplete"], empty["Answers"]) == (False, [])
    assert_error(hire.http.get(f"{HIRE}/offers/424242"), 404)
    assert_error(hire.http.post(f"{HIRE}/offers/424242/process"), 404)


def test_application_offers(hire: Hire, stages):
    found = hire.http.get(f"{HIRE}/applications/{hire.records['application']}/offer").json()
    assert [o["OfferInfo"]["PUReferenceID"] for o in found["Offers"]] == sorted(stages.values())
    assert [d["FileName"] for d in found["Offers"][0]["Documents"]] == ["offer.txt"]


def test_create_offer_with_supplementary_fields_and_parent(hire: Hire):
    url = f"{HIRE}/applications/{hire.records['application']}/offer"
    body = {"OfferMadeDate": "2026-11-01T09:00:00Z", "StartDate": "2027-01-04T09:00:00", "HoursPerWeek": 38,
            "PayScaleID": 7, "Comments": "Welcome", "OfferSupplementary_Boolean1": True,
            "OfferSupplementary_Text10": "Laptop"}
    created = hire.http.post(url, params={"parentOfferID": 0}, json=body).json()
    assert (created["HoursPerWeek"], created["PayScaleID"]) == (38, "7")
    assert created["StartDate"] == "2027-01-04T09:00:00.000Z"
    assert (created["OfferSupplementary_Boolean1"], created["OfferSupplementary_Text10"]) == (True, "Laptop")
    revised = hire.http.post(url, params={"parentOfferID": created["OfferInfo"]["PUReferenceID"]}, json={}).json()
    assert revised["ParentOfferID"] == created["OfferInfo"]["PUReferenceID"]
    assert_error(hire.http.post(url, params={"parentOfferID": 424242}, json={}), 404)
    assert_error(hire.http.post(url, json={"HoursPerWeek": -1}), 400)
    assert_error(hire.http.post(f"{HIRE}/applications/424242/offer", json={}), 404)


def test_offer_status_creates_a_shell_offer_then_sets_the_first(hire: Hire, runtime):
    from hireport.services import applications
    from hireport.services.applications import ApplicationFields

    with runtime.db.transaction() as s:
        bare = applications.create(s, Caller.operator(218), ApplicationFields(
            job_id=hire.records["job"], applicant_id=hire.records["applicant"]), clock=runtime.clock).id
    url = f"{HIRE}/applications/{bare}/offers/status"
    shell = hire.http.post(url, json={"OfferStatus": "Hired", "ExtraNote": "verbal yes"}).json()
    assert (shell["OfferStatus"], shell["ExtraNote"]) == ("Hired", "verbal yes")
    again = hire.http.post(url, json={"OfferStatus": "Withdrawn"}).json()
    assert again["OfferInfo"] == shell["OfferInfo"]
    listed = hire.http.get(f"{HIRE}/applications/{bare}/offer").json()["Offers"]
    assert [o["OfferStatus"] for o in listed] == ["Withdrawn"]
    assert_error(hire.http.post(url, json={"OfferStatus": ""}), 400)


def test_answers_written_as_plain_data_are_what_their_response_models_say(hire: Hire, stages):
    """The hot lists answer with plain data serialised once (`Json`), outside FastAPI's response
    validation: each answer must be exactly what its declared response model makes of it."""
    application = hire.records["application"]
    job = hire.http.get(f"{HIRE}/jobs").json()["Items"][0]["JobInfo"]["PUReferenceID"]
    hire.http.post(f"{HIRE}/offers/{stages['complete']}/process", params={"offerActionTypeId": 3})
    for path, model in ((f"{HIRE}/offers", shapes.Page[shapes.OfferShape]),
                        (f"{HIRE}/offers/{stages['complete']}", shapes.OfferShape),
                        (f"{HIRE}/applications/{application}/offer", shapes.ApplicationOffers),
                        (f"{HIRE}/jobs/{job}/applications", shapes.Page[shapes.ApplicationSummary])):
        response = hire.http.get(path)
        assert response.status_code == 200, response.text
        body = response.json()
        assert body and model.model_validate(body).model_dump(mode="json") == body, path


@pytest.mark.parametrize("value", [
    datetime(2026, 3, 4, 5, 6, 7, 891999, tzinfo=UTC), datetime(2026, 3, 4, 5, 6, 7, tzinfo=UTC),
    datetime(987, 1, 2, 3, 4, 5, 678, tzinfo=UTC), datetime(9999, 12, 31, 23, 59, 59, 999999, tzinfo=UTC),
    datetime(2026, 3, 4, 5, 6, 7, 1500, tzinfo=timezone(timedelta(hours=-9, minutes=-30))),
])
def test_timestamps_go_out_in_utc_to_the_millisecond(value: datetime):
    assert to_wire(value) == value.astimezone(UTC).isoformat(timespec="milliseconds").replace("+00:00", "Z")
