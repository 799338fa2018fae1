app_name = "reports_site"
urlpatterns = []
