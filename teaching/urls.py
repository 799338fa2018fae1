app_name = "teaching"
urlpatterns = []
