from django.urls import path

from fangkong.logistics import views

urlpatterns = [
    path("", views.stock, name="logistics_stock"),
    path("low/", views.low_stock, name="logistics_low_stock"),
    path("items/<id:pk>/edit/", views.item_edit, name="logistics_item_edit"),
    path("stock/<id:pk>/count/", views.stock_count, name="logistics_stock_count"),
    path("stores/", views.stores, name="logistics_stores"),
    path("stores/new/", views.store_create, name="logistics_store_create"),
    path("stores/<id:pk>/edit/", views.store_edit, name="logistics_store_edit"),
    path("ledger/", views.ledger, name="logistics_ledger"),
    path("donations/", views.donations, name="logistics_donations"),
    path("donations/new/", views.donation_create, name="logistics_donation_create"),
    path("donations/<id:pk>/letter.docx", views.donation_letter, name="logistics_donation_letter"),
    path("purchases/", views.purchases, name="logistics_purchases"),
    path("purchases/new/", views.purchase_create, name="logistics_purchase_create"),
    path("distributions/", views.distributions, name="logistics_distributions"),
    path("distributions/new/", views.distribution_create, name="logistics_distribution_create"),
]
