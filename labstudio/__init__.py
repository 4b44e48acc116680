"""labstudio: the Qingdao health commission's dashboard of its model-worker innovation studios."""
