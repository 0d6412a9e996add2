r"""
`Back <index.html>`_ || **Squares**

Squares with sphinx-gallery
===========================

A tutorial written for sphinx-gallery, with :math:`x^2` inline and a
display formula:

.. math::

   \sum_{i=1}^{n} i^2 = \frac{n(n+1)(2n+1)}{6}
"""

# sphinx_gallery_thumbnail_number = 1
xs = [1, 2, 3]
print(sum(x * x for x in xs))

###############################################################################
# Installing
# ----------
#
# Install it first:
#
# .. code-block:: bash
#
#    pip install squares
#
# .. note:: See :func:`sum` and :ref:`the guide <guide>`.

# %%
# .. figure:: images/dot.png
#    :alt: A single dot
#
#    The smallest picture.
#
# Broken title
# ~~~~~
#
# .. toctree::
#
#    other

print(max(xs))
