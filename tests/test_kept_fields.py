"""Vendor-only job fields live in the job's `attributes`, where an operator may write any JSON through the
management API: each dialect reads its own back as its shape takes them, and one of a type it does not take reads
as absent, so the job's answer never fails on it."""

from datetime import UTC, datetime

from hireport.dialects.gupy import jobs as gupy_jobs
from hireport.dialects.pageup import views as pageup_views
from hireport.models import Job, JobStatus

NOW = datetime(2026, 12, 8, tzinfo=UTC)


def _job(attributes: dict) -> Job:
    return Job(id=7, tenant_id=218, status=JobStatus.published, code="c", title="t", custom_fields=[],
               attributes=attributes, created_at=NOW, updated_at=NOW, quick_apply=False)


def test_kept_fields_read_back_as_written():
    job = _job({"SiteID": "S-1", "NeededDate": "2027-01-04T00:00:00+00:00", "departmentId": 12,
                "publicationType": "internal"})
    pageup = pageup_views.job(job, []).model_dump()
    assert pageup["SiteID"] == "S-1" and pageup["NeededDate"] == "2027-01-04T00:00:00.000Z"
    gupy = gupy_jobs.view(job).model_dump()
    assert gupy["departmentId"] == 12 and gupy["publicationType"] == "internal"


def test_a_kept_field_of_the_wrong_type_reads_as_absent():
    job = _job({"SiteID": {"not": "an id"}, "NeededDate": "next week", "OwnerUserID": 5.5,
                "departmentId": "sales", "roleId": [1], "publicationType": 3})
    pageup = pageup_views.job(job, []).model_dump()
    assert (pageup["SiteID"], pageup["NeededDate"], pageup["OwnerUserID"]) == (None, None, None)
    gupy = gupy_jobs.view(job).model_dump()
    assert (gupy["departmentId"], gupy["roleId"], gupy["publicationType"]) == (None, None, None)
