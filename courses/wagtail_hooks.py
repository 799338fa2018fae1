from wagtail import hooks


@hooks.register("register_admin_viewset")
def register_course_run_viewset():
    from .run_admin import course_run_viewset

    return course_run_viewset
