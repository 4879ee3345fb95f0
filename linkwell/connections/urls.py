from django.urls import path

from . import views

app_name = "connections"

urlpatterns = [
    path("", views.connection_list, name="list"),
    path("<int:pk>/", views.detail, name="detail"),
    path("<int:pk>/send/", views.send, name="send"),
    path("<int:pk>/respond/", views.respond, name="respond"),
    path("<int:pk>/end/", views.end, name="end"),
    path("<int:pk>/accompaniment/", views.accompaniment_new, name="accompaniment_new"),
    path("accompaniments/", views.accompaniment_list, name="accompaniments"),
    path("accompaniments/<int:pk>/", views.accompaniment_detail, name="accompaniment"),
    path("register/", views.register, name="register"),
    path("check-in/", views.check_in, name="check_in"),
    path("people/<int:person_pk>/card/", views.card, name="card"),
    path("people/<int:person_pk>/direct-booking/", views.direct_booking, name="direct_booking"),
    path("referrals/<int:referral_pk>/", views.referral_connections, name="referral"),
    path("referrals/<int:referral_pk>/close/", views.close, name="close"),
    path("referrals/<int:referral_pk>/message-back/", views.message_back_view, name="message_back"),
]
