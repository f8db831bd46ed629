"""The CPD Events demo's scenario (Django side): the create_demo_data command, the generator, the
factories, the bulk loader and the media encoders."""
