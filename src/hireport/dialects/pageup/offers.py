"""Offers: the export loop's list, one offer, its new-starter form, and marking it processed."""

from typing import Annotated

from fastapi import APIRouter, Depends, Query

from hireport.dialects.pageup import shapes, views
from hireport.dialects.pageup.auth import hire
from hireport.dialects.pageup.jobs import PageSize
from hireport.dialects.pageup.scopes import Scope
from hireport.kit.auth import Caller
from hireport.kit.bounds import INT32_MAX, PageNumber, RowId
from hireport.kit.web import DbSession, RuntimeDep
from hireport.models import DEFAULT_ACTION_TYPE
from hireport.services import offers
from hireport.services.offers import OfferFilter

router = APIRouter(prefix="/{tenantId}/recruitment/hire", tags=["Offer"])

OfferRead = Annotated[Caller, Depends(hire(Scope.offer_read))]
OfferWrite = Annotated[Caller, Depends(hire(Scope.offer_write))]
ActionType = Annotated[int | None, Query(ge=0, le=INT32_MAX,
                                         description="Each offer action type keeps its own processed flag")]


@router.get("/offers", summary="Search offers")
def search_offers(session: DbSession, caller: OfferRead, offerAccepted: bool | None = None,
                  offerProcessed: bool | None = None, formComplete: bool | None = None,
                  offerActionTypeId: ActionType = None, page: PageNumber = 1,
                  pageSize: PageSize = 50) -> shapes.Page[shapes.OfferShape]:
    """The export loop: `offerAccepted=true&offerProcessed=false&formComplete=true` lists the offers to
    send to payroll; once processed (`POST /offers/{offerId}/process`) an offer does not come back.
    With `offerActionTypeId`, `offerProcessed` is read for that action type."""
    action_type = offerActionTypeId or DEFAULT_ACTION_TYPE
    found = offers.search(session, caller, OfferFilter(accepted=offerAccepted, form_complete=formComplete,
                                                       processed=offerProcessed, action_type_id=action_type),
                          page=page, page_size=pageSize)
    return shapes.Page(Page=found.page, PageSize=found.page_size, TotalCount=found.total,
                       Items=views.offers(offers.views(session, caller, found.items), action_type_id=action_type))


@router.get("/offers/{offerId}", summary="Get an offer")
def get_offer(offerId: RowId, session: DbSession, caller: OfferRead,
              offerActionTypeId: ActionType = None) -> shapes.OfferShape:
    offer = offers.get(session, caller, offerId)
    return views.offer(offers.views(session, caller, [offer])[0],
                       action_type_id=offerActionTypeId or DEFAULT_ACTION_TYPE)


@router.get("/offers/{offerId}/onboardingform", summary="Get an offer's new-starter form answers")
def onboarding_form(offerId: RowId, session: DbSession, caller: OfferRead) -> shapes.OnboardingForm:
    """`FormComplete` false and no answers until the new starter submits the form."""
    return views.onboarding_form(offers.get(session, caller, offerId))


@router.post("/offers/{offerId}/process", summary="Mark an offer processed")
def process_offer(offerId: RowId, session: DbSession, rt: RuntimeDep, caller: OfferWrite,
                  offerActionTypeId: ActionType = None) -> shapes.ProcessResult:
    """Marks the offer processed (for `offerActionTypeId`, if given) so it does not come up again in
    `GET /offers?offerProcessed=false`. Processing it twice is harmless: `AlreadyProcessed` says so."""
    offer = offers.get(session, caller, offerId)
    first_time = offers.mark_processed(session, caller, offer, clock=rt.clock,
                                       action_type_id=offerActionTypeId or DEFAULT_ACTION_TYPE)
    return shapes.ProcessResult(OfferInfo=shapes.RefInfo(PUReferenceID=offer.id), OfferActionTypeID=offerActionTypeId,
                                OfferProcessed=True, AlreadyProcessed=not first_time)
