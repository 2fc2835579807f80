"""Offers: the export loop's list, one offer, its new-starter form, and marking it processed."""

from typing import Annotated

from fastapi import APIRouter, Depends, Query

from hireport.dialects.pageup import shapes, views
from hireport.dialects.pageup.auth import hire
from hireport.dialects.pageup.jobs import PageSize
from hireport.dialects.pageup.scopes import Scope
from hireport.kit.auth import Caller
from hireport.kit.bounds import INT32_MAX, PageNumber, RowId
from hireport.kit.web import DbSession, Json, RuntimeDep
from hireport.models import DEFAULT_ACTION_TYPE
from hireport.services import offers
from hireport.services.offers import OfferFilter

router = APIRouter(prefix="/{tenantId}/recruitment/hire", tags=["Offer"])

OfferRead = Annotated[Caller, Depends(hire(Scope.offer_read))]
OfferWrite = Annotated[Caller, Depends(hire(Scope.offer_write))]
ActionType = Annotated[int | None, Query(ge=0, le=INT32_MAX,
                                         description="Each offer action type keeps its own processed flag")]


@router.get("/offers", summary="Search offers", response_model=shapes.Page[shapes.OfferShape])
async def search_offers(rt: RuntimeDep, caller: OfferRead, offerAccepted: bool | None = None,
                        offerProcessed: bool | None = None, formComplete: bool | None = None,
                        offerActionTypeId: ActionType = None, page: PageNumber = 1, pageSize: PageSize = 50) -> Json:
    """The export loop: `offerAccepted=true&offerProcessed=false&formComplete=true` lists the offers to
    send to payroll; once processed (`POST /offers/{offerId}/process`) an offer does not come back.
    With `offerActionTypeId`, `offerProcessed` is read for that action type."""
    action_type = offerActionTypeId or DEFAULT_ACTION_TYPE
    criteria = OfferFilter(accepted=offerAccepted, form_complete=formComplete, processed=offerProcessed,
                           action_type_id=action_type)
    found = await rt.db.read(lambda reader: offers.search(reader, caller, criteria, page=page, page_size=pageSize))
    return Json({"Page": found.page, "PageSize": found.page_size, "TotalCount": found.total,
                 "Items": views.offers(found.items, action_type_id=action_type)})


@router.get("/offers/{offerId}", summary="Get an offer", response_model=shapes.OfferShape)
async def get_offer(offerId: RowId, rt: RuntimeDep, caller: OfferRead, offerActionTypeId: ActionType = None) -> Json:
    found = await rt.db.read(lambda reader: offers.view(reader, caller, offerId))
    return Json(views.offer(found, action_type_id=offerActionTypeId or DEFAULT_ACTION_TYPE))


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
