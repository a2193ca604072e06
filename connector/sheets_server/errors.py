"""Google's error bodies: {"error": {"code", "message", "status"}} with the status names Google uses."""
from __future__ import annotations

STATUS_NAMES = {400: "INVALID_ARGUMENT", 401: "UNAUTHENTICATED", 403: "PERMISSION_DENIED", 404: "NOT_FOUND",
                409: "ALREADY_EXISTS", 429: "RESOURCE_EXHAUSTED", 500: "INTERNAL", 501: "UNIMPLEMENTED",
                503: "UNAVAILABLE"}


class ApiError(Exception):
    """An API failure carried up to the HTTP layer, which answers it in Google's error shape."""

    def __init__(self, code: int, message: str, status: str | None = None, details: list | None = None,
                 extra: dict | None = None):
        super().__init__(message)
        self.extra = extra or {}
        self.code = code
        self.message = message
        self.status = status or STATUS_NAMES.get(code, "UNKNOWN")
        self.details = details

    def body(self) -> dict:
        error = {"code": self.code, "message": self.message, "status": self.status}
        if self.details:
            error["details"] = self.details
        error.update(self.extra)
        return {"error": error}


def invalid(message: str) -> ApiError:
    return ApiError(400, message)


def not_found(message: str = "Requested entity was not found.") -> ApiError:
    return ApiError(404, message)


def cells_limit(prefix: str = "") -> ApiError:
    return invalid(f"{prefix}This action would increase the number of cells in the workbook above the limit "
                   f"of 10000000 cells.")


def cell_too_long() -> ApiError:
    return invalid("Your input contains more than the maximum of 50000 characters in a single cell.")
