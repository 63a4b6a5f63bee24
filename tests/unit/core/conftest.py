from tests.unit.plan.conftest import seed_plan

__all__ = ["seed_plan"]
