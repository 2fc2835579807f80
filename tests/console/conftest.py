import pytest
from starlette.testclient import TestClient

from hireport.kit.runtime import Runtime
from tests.console.world import World, build


@pytest.fixture
def world(runtime: Runtime, client: TestClient) -> World:
    return build(runtime, client)
