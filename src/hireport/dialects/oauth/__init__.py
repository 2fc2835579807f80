from hireport.dialects.oauth.endpoints import router

__all__ = ["router"]
