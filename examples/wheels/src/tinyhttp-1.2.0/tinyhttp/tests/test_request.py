def test_get():
    assert True
