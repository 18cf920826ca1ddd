from helpers import problems


def test_from_docker_hub_is_found():
    assert problems("FROM node:20\n") == {(1, 6, "DH001")}
