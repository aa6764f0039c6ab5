# actbench figure "Claim 12: GELU, SiLU, ELU and leaky ReLU only squeeze the last 0.1% over ReLU": 2 panels
#   panel 1: "Fashion-MNIST test accuracy"
#   panel 2: "test accuracy after the last epoch (min to max over seeds)"
# The data is inline; the script needs nothing else.
# re-render from the run folder: gnuplot plots/12-modern-acts-fashion-mnist.gp
# (writes plots/12-modern-acts-fashion-mnist.EXT for each EXT in fmt: png;
#  others: gnuplot -e "fmt='pdf svg'" plots/12-modern-acts-fashion-mnist.gp)

set encoding utf8
set datafile missing "NaN"

# data blocks, one per series: x y [ylo yhi]; a blank line is a gap
# panel 1, "relu"
$d1 << EOD
0 0.107966667 0.0899 0.1241
1 0.848433333 0.8437 0.8508
2 0.8542 0.8509 0.8599
3 0.867 0.8652 0.8695
4 0.8709 0.8665 0.8743
5 0.868533333 0.861 0.8782
6 0.872666667 0.8719 0.8731
7 0.874 0.8702 0.8781
8 0.875533333 0.8742 0.8773
9 0.8777 0.8738 0.8812
10 0.878666667 0.8781 0.8792
EOD
# panel 1, "gelu"
$d2 << EOD
0 0.1022 0.0854 0.1124
1 0.852433333 0.848 0.855
2 0.8579 0.8522 0.8615
3 0.870433333 0.8679 0.8722
4 0.873166667 0.8727 0.8737
5 0.867733333 0.8625 0.877
6 0.877466667 0.8761 0.8784
7 0.877733333 0.8767 0.8793
8 0.876933333 0.8729 0.8813
9 0.8777 0.8753 0.8814
10 0.8795 0.8779 0.882
EOD
# panel 1, "silu"
$d3 << EOD
0 0.0985666667 0.0818 0.1135
1 0.854066667 0.8507 0.856
2 0.858633333 0.8528 0.863
3 0.871433333 0.8703 0.8735
4 0.876 0.8747 0.8779
5 0.871166667 0.8681 0.8762
6 0.8783 0.8762 0.8801
7 0.877933333 0.874 0.8805
8 0.878833333 0.8753 0.8807
9 0.880933333 0.8766 0.8841
10 0.8836 0.8822 0.8844
EOD
# panel 1, "elu"
$d4 << EOD
0 0.0892666667 0.0651 0.1057
1 0.851033333 0.8452 0.8545
2 0.855866667 0.8535 0.8576
3 0.872133333 0.8702 0.8751
4 0.876433333 0.8732 0.8784
5 0.8716 0.8664 0.8772
6 0.8777 0.8767 0.8785
7 0.877233333 0.8698 0.8822
8 0.8751 0.8691 0.8786
9 0.880766667 0.8769 0.8832
10 0.880933333 0.8768 0.8843
EOD
# panel 1, "leaky_relu"
$d5 << EOD
0 0.1077 0.089 0.1219
1 0.8487 0.8478 0.8496
2 0.854566667 0.8494 0.8576
3 0.8687 0.867 0.8716
4 0.8736 0.8711 0.876
5 0.8693 0.8651 0.8749
6 0.873266667 0.8711 0.8772
7 0.873133333 0.8712 0.8761
8 0.876733333 0.8762 0.8774
9 0.875 0.8732 0.8778
10 0.877266667 0.8736 0.8791
EOD
# panel 2, "test accuracy"
$d6 << EOD
1 0.878666667 0.8781 0.8792
2 0.8795 0.8779 0.882
3 0.8836 0.8822 0.8844
4 0.880933333 0.8768 0.8843
5 0.877266667 0.8736 0.8791
EOD

if (!exists("fmt")) fmt = "png"
if (words(fmt) == 0) {
    print "fmt: empty (give png, pdf or svg)"
    exit status 1
}
do for [ext in fmt] {
if (ext eq "png") {
    set terminal pngcairo size 1280,520 enhanced font "sans,10"
} else { if (ext eq "pdf") {
    set terminal pdfcairo size 13.33in,5.42in enhanced font "sans,10" fontscale 0.75 linewidth 2
} else { if (ext eq "svg") {
    set terminal svg size 1280,520 dynamic enhanced font "sans,10"
} else {
    print "fmt: '".ext."' is not png, pdf or svg"
    exit status 1
}}}
set output 'plots/12-modern-acts-fashion-mnist.'.ext
set multiplot layout 1,2 title "Claim 12: GELU, SiLU, ELU and leaky ReLU only squeeze the last 0.1% over ReLU" noenhanced font ",12"

# ---- panel 1: "Fashion-MNIST test accuracy"
set title "Fashion-MNIST test accuracy" noenhanced
set xlabel "epoch" noenhanced
set ylabel "test accuracy" noenhanced
set grid
unset label
set bmargin 6.00
set xtics 1
set format x "%.0f"
unset logscale x
set autoscale x
set autoscale xfix
set offsets graph 0.03, graph 0.03, 0, 0
unset logscale y
set format y "% h"
set autoscale y
set offsets graph 0.03, graph 0.03, graph 0.04, graph 0.04
set key outside below center vertical maxrows 2 maxcols auto Left reverse box opaque noenhanced samplen 2.5 spacing 1.1 width 1
plot $d1 using 1:3:4 with filledcurves fs transparent solid 0.2 noborder lc rgb "#1f77b4" notitle, \
     $d2 using 1:3:4 with filledcurves fs transparent solid 0.2 noborder lc rgb "#ff7f0e" notitle, \
     $d3 using 1:3:4 with filledcurves fs transparent solid 0.2 noborder lc rgb "#2ca02c" notitle, \
     $d4 using 1:3:4 with filledcurves fs transparent solid 0.2 noborder lc rgb "#d62728" notitle, \
     $d5 using 1:3:4 with filledcurves fs transparent solid 0.2 noborder lc rgb "#9467bd" notitle, \
     $d1 using 1:2 with linespoints lc rgb "#1f77b4" lw 1.5 dt 1 pt 7 ps 0.8 title "relu" noenhanced, \
     $d2 using 1:2 with linespoints lc rgb "#ff7f0e" lw 1.5 dt 1 pt 5 ps 0.8 title "gelu" noenhanced, \
     $d3 using 1:2 with linespoints lc rgb "#2ca02c" lw 1.5 dt 1 pt 9 ps 0.8 title "silu" noenhanced, \
     $d4 using 1:2 with linespoints lc rgb "#d62728" lw 1.5 dt 1 pt 11 ps 0.8 title "elu" noenhanced, \
     $d5 using 1:2 with linespoints lc rgb "#9467bd" lw 1.5 dt 1 pt 13 ps 0.8 title "leaky_relu" noenhanced

# ---- panel 2: "test accuracy after the last epoch (min to max over seeds)"
set title "test accuracy after the last epoch (min to max over seeds)" noenhanced
set xlabel "activation" noenhanced
set ylabel "test accuracy" noenhanced
set grid
unset label
set bmargin 6.00
set xtics norotate autojustify noenhanced ("relu" 1, "gelu" 2, "silu" 3, "elu" 4, "leaky_relu" 5)
set xrange [0.5:5.5]
set offsets 0, 0, 0, 0
unset logscale x
unset logscale y
set format y "% h"
set yrange [0.83478:0.92322]
set offsets 0, 0, 0, 0
set key outside below center vertical maxrows 1 maxcols auto Left reverse box opaque noenhanced samplen 2.5 spacing 1.1 width 1
plot $d6 using 1:2:3:4 with yerrorbars lc rgb "#1f77b4" lw 1.5 pt 7 ps 0 notitle, \
     $d6 using 1:2 with points lc rgb "#1f77b4" pt 7 ps 1.2 title "test accuracy" noenhanced

unset multiplot
unset output
}
