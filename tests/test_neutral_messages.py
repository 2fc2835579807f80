"""Messages of the core name fields neutrally (`{page_size}`); each dialect answers with its own word."""

import pytest

from hireport.dialects import gupy, pageup
from hireport.kit.dialect import Dialect
from hireport.kit.errors import InvalidInput
from hireport.kit.pagination import check_page


@pytest.mark.parametrize(("dialect", "word"), [(pageup.DIALECT, "pageSize"), (gupy.DIALECT, "perPage")])
def test_a_page_size_out_of_bounds_is_said_in_the_dialects_word(dialect: Dialect, word: str):
    with pytest.raises(InvalidInput) as refused:
        check_page(1, 0, 500)
    problem = dialect.problem(refused.value, "request")
    assert problem.message == f"{word} must be between 1 and 500"
    assert [d["field"] for d in problem.details] == [word]
